using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Messaging;
using ServiceDefaults.Tests.Data;

namespace ServiceDefaults.Tests.Messaging;

/// <summary>Events are written with the change, published after commit, and applied once, whatever the broker does.</summary>
[Collection(ServersCollection.Name)]
public sealed class OutboxInboxTests(ServersFixture servers) : IAsyncLifetime
{
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var database = await TestDatabase.CreateMigratedAsync(servers, "outbox");
        var broker = await servers.CreateVirtualHostAsync("outbox");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:testdb"] = database;
        builder.Configuration["ConnectionStrings:messaging"] = broker;
        builder.Configuration["Service:Name"] = "outbox-test";
        builder.Configuration["Outbox:PollInterval"] = "00:00:00.200";
        builder.Configuration["Outbox:MaxBackoff"] = "00:00:01";
        builder.Configuration["Outbox:MaxAttempts"] = "3";
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FailurePlan>();
        builder.AddServiceDbContext<TestDbContext>("testdb");
        builder.AddMessaging<TestDbContext>("messaging", bus => bus.AddConsumer<NoteCreatedConsumer>());
        _host = builder.Build();
        await _host.StartAsync();
        // The consumer's queue and bindings exist once the bus is healthy; messages published before would
        // reach an exchange nothing is bound to yet (in production the durable queue exists from earlier runs).
        var bus = _host.Services.GetRequiredService<IBusControl>();
        Assert.True(await Eventually.TrueAsync(() => bus.CheckHealth().Status == BusHealthStatus.Healthy, TimeSpan.FromSeconds(60)));
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task An_event_saved_with_its_change_is_published_after_commit_and_applied_once()
    {
        var id = await CreateNotesAsync(1);

        Assert.True(await Eventually.TrueAsync(async () => await ReceivedAsync() == 1, TimeSpan.FromSeconds(30)));
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        var row = await db.OutboxMessages.SingleAsync();
        Assert.NotNull(row.DispatchedAt);
        Assert.Equal(id[0], (await db.ReceivedNotes.SingleAsync()).NoteId);
    }

    [Fact]
    public async Task A_change_that_rolls_back_publishes_nothing()
    {
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.InTransactionAsync(async ct =>
            {
                var note = new Note { Id = Guid.NewGuid(), Text = "doomed" };
                db.Notes.Add(note);
                db.AddEvent(new NoteCreated(note.Id));
                await db.SaveChangesAsync(ct);
                throw new InvalidOperationException("business rule failed after saving");
            }));
        }
        var after = await CreateNotesAsync(1);

        Assert.True(await Eventually.TrueAsync(async () => await ReceivedAsync() == 1, TimeSpan.FromSeconds(30)));
        await using var check = _host.Services.CreateAsyncScope();
        var notes = check.ServiceProvider.GetRequiredService<TestDbContext>();
        Assert.Equal(after[0], (await notes.ReceivedNotes.SingleAsync()).NoteId);
        Assert.Equal(1, await notes.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task Events_produced_while_the_broker_is_down_are_all_consumed_exactly_once_after_it_returns()
    {
        await servers.RabbitMQ.StopAsync();
        try
        {
            // The business writes never wait for or fail on the broker.
            await CreateNotesAsync(1000, perTransaction: 20);
        }
        finally
        {
            await servers.RabbitMQ.StartAsync();
        }

        Assert.True(await Eventually.TrueAsync(async () => await ReceivedAsync() >= 1000, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(500)),
            $"only {await ReceivedAsync()} of 1000 events were consumed; outbox: {await OutboxStateAsync()}");
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        Assert.Equal(1000, await db.ReceivedNotes.CountAsync());
        Assert.Equal(1000, await db.ReceivedNotes.Select(r => r.NoteId).Distinct().CountAsync());
        Assert.Equal(0, await db.OutboxMessages.CountAsync(m => m.DispatchedAt == null));
    }

    [Fact]
    public async Task A_consumer_that_fails_transiently_is_retried_and_its_effect_happens_once()
    {
        var plan = _host.Services.GetRequiredService<FailurePlan>();
        var ids = await CreateNotesAsync(1, flaky: true);

        Assert.True(await Eventually.TrueAsync(async () => await ReceivedAsync() == 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(plan.FailuresPerFlakyNote + 1, plan.Attempts[ids[0]]);
        await using var scope = _host.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<TestDbContext>().InboxMessages.CountAsync());
    }

    [Fact]
    public async Task A_redelivered_message_changes_nothing()
    {
        var deliveries = new DeliveryCounter();
        var bus = _host.Services.GetRequiredService<IBus>();
        using var observer = bus.ConnectConsumeObserver(deliveries);
        var messageId = NewId.NextGuid();
        var message = new NoteCreated(Guid.NewGuid());

        await bus.Publish(message, c => c.MessageId = messageId);
        await bus.Publish(message, c => c.MessageId = messageId);

        Assert.True(await Eventually.TrueAsync(() => deliveries.Count(messageId) == 2, TimeSpan.FromSeconds(30)));
        Assert.Equal(1, await ReceivedAsync());
    }

    [Fact]
    public async Task A_row_that_cannot_be_loaded_is_parked_after_its_attempts_and_never_holds_up_the_rows_behind_it()
    {
        using var parked = new CounterReader(_host.Services, MessagingMetrics.MeterName, "messaging_outbox_parked");
        // The oldest row names a type this service does not have (deployed by a newer version, say).
        var bad = Guid.CreateVersion7();
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO outbox_messages (id, message_type, payload, created_at, attempts)
                VALUES ({bad}, 'Nowhere.Vanished, Nowhere', {"{}"}::jsonb, {DateTimeOffset.UtcNow.AddMinutes(-1)}, 0)
                """);
        }
        await CreateNotesAsync(3);

        Assert.True(await Eventually.TrueAsync(async () => await ReceivedAsync() == 3, TimeSpan.FromSeconds(30)), "the rows behind the bad one were not published");
        Assert.True(await Eventually.TrueAsync(async () => (await RowAsync(bad)).ParkedAt is not null, TimeSpan.FromSeconds(30)), "the bad row was not parked");
        var row = await RowAsync(bad);
        Assert.Equal(3, row.Attempts);
        Assert.Null(row.DispatchedAt);
        Assert.Contains("Nowhere.Vanished", row.LastError);
        Assert.Equal(1, parked.Total(("type", "Vanished")));

        // Parked, it is left alone: no more attempts however long the dispatcher runs.
        await CreateNotesAsync(1);
        Assert.True(await Eventually.TrueAsync(async () => await ReceivedAsync() == 4, TimeSpan.FromSeconds(30)));
        Assert.Equal(3, (await RowAsync(bad)).Attempts);

        // An operator lists it and replays it: it is tried again (and, still unknown, parked again).
        await using var admin = _host.Services.CreateAsyncScope();
        var messages = admin.ServiceProvider.GetRequiredService<MessageAdmin<TestDbContext>>();
        Assert.Contains(await messages.Parked().ToListAsync(), m => m.Id == bad);
        Assert.NotNull(await messages.ReplayOutboxAsync(bad, CancellationToken.None));
        Assert.True(await Eventually.TrueAsync(async () => (await RowAsync(bad)).ParkedAt is not null, TimeSpan.FromSeconds(30)), "the replayed row was not tried again");
        Assert.Equal(2, parked.Total(("type", "Vanished")));
    }

    [Fact]
    public async Task A_message_its_consumer_fails_on_every_time_is_kept_with_its_error_and_applied_once_when_replayed()
    {
        using var failures = new CounterReader(_host.Services, MessagingMetrics.MeterName, "messaging_consumer_failures");
        var plan = _host.Services.GetRequiredService<FailurePlan>();
        var id = Guid.NewGuid();
        plan.Poisoned[id] = true;
        await CreateNoteAsync(id);

        FailedMessage? failed = null;
        Assert.True(await Eventually.TrueAsync(async () => (failed = await FailedAsync(id)) is not null, TimeSpan.FromSeconds(60)), "the failure was not recorded");
        // Recorded once, after every retry failed: the first try and five retries.
        Assert.Equal(6, plan.Attempts[id]);
        Assert.Equal(1, failed!.Failures);
        Assert.Contains($"Note {id} cannot be applied", failed.Error);
        Assert.EndsWith("note-created", failed.Endpoint);
        Assert.Equal(1, failures.Total(("type", nameof(NoteCreated))));
        Assert.Equal(0, await ReceivedAsync());

        // Fixed, then replayed by an operator: applied, once.
        plan.Poisoned.TryRemove(id, out _);
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var (replayed, refusal) = await scope.ServiceProvider.GetRequiredService<MessageAdmin<TestDbContext>>().ReplayFailedAsync(failed.Id, CancellationToken.None);
            Assert.Null(refusal);
            Assert.NotNull(replayed!.ReplayedAt);
        }
        Assert.True(await Eventually.TrueAsync(async () => await ReceivedAsync() == 1, TimeSpan.FromSeconds(30)), "the replayed message was not applied");
        Assert.Equal(id, await FirstReceivedAsync());
    }

    private async Task<OutboxMessage> RowAsync(Guid id)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TestDbContext>().OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    private async Task<FailedMessage?> FailedAsync(Guid noteId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<TestDbContext>().FailedMessages.AsNoTracking().ToListAsync();
        return rows.SingleOrDefault(r => r.Payload.Contains(noteId.ToString(), StringComparison.Ordinal));
    }

    private async Task<Guid> FirstReceivedAsync()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<TestDbContext>().ReceivedNotes.SingleAsync()).NoteId;
    }

    private async Task CreateNoteAsync(Guid id)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        await db.InTransactionAsync(async ct =>
        {
            db.Notes.Add(new Note { Id = id, Text = "poisoned" });
            db.AddEvent(new NoteCreated(id));
            await db.SaveChangesAsync(ct);
        });
    }

    private async Task<List<Guid>> CreateNotesAsync(int count, int perTransaction = 1, bool flaky = false)
    {
        var ids = new List<Guid>();
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        foreach (var chunk in Enumerable.Range(0, count).Chunk(perTransaction))
        {
            var created = await db.InTransactionAsync(async ct =>
            {
                var notes = chunk.Select(i => new Note { Id = Guid.NewGuid(), Text = $"note {i}" }).ToList();
                foreach (var note in notes)
                {
                    db.Notes.Add(note);
                    db.AddEvent(new NoteCreated(note.Id, flaky));
                }
                await db.SaveChangesAsync(ct);
                return notes.Select(n => n.Id).ToList();
            });
            ids.AddRange(created);
        }
        return ids;
    }

    private async Task<string> OutboxStateAsync()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        var pending = await db.OutboxMessages.Where(m => m.DispatchedAt == null).ToListAsync();
        return $"{pending.Count} unsent, last error: {pending.Select(m => m.LastError).LastOrDefault(e => e is not null)}";
    }

    private async Task<int> ReceivedAsync()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TestDbContext>().ReceivedNotes.CountAsync();
    }

    private sealed class DeliveryCounter : IConsumeObserver
    {
        private readonly ConcurrentDictionary<Guid, int> _counts = new();

        public int Count(Guid messageId) => _counts.GetValueOrDefault(messageId);

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            _counts.AddOrUpdate(context.MessageId ?? Guid.Empty, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
