using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;

namespace Platform.ServiceDefaults.Messaging;

public sealed class OutboxOptions
{
    /// <summary>How often the dispatcher looks without being signalled.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 100;

    /// <summary>A publish that takes longer counts as the broker being unavailable.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between attempts while the broker is unavailable.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Publishes committed outbox rows and marks them sent. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so
/// several instances share the work; a row is marked only after its publish succeeded, so a crash or a broker
/// outage means a later re-send (consumers deduplicate by message id), never a loss.
/// </summary>
public sealed partial class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes, IBus bus, OutboxSignal signal, IOptions<OutboxOptions> options,
    TimeProvider time, ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : PlatformDbContext
{
    private static readonly ActivitySource Source = new("Platform.Outbox");
    private readonly OutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int sent;
                do
                {
                    sent = await DispatchBatchAsync(stoppingToken);
                }
                while (sent == _options.BatchSize);
                backoff = TimeSpan.Zero;
                await signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                LogDispatchFailed(logger, ex, backoff.TotalSeconds);
                await Task.Delay(backoff, time, stoppingToken);
            }
        }
    }

    /// <summary>Publishes one batch; returns how many rows were sent.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var (sent, failure) = await db.InTransactionAsync(async ct =>
        {
            var rows = await db.OutboxMessages
                .FromSql($"SELECT * FROM outbox_messages WHERE dispatched_at IS NULL ORDER BY created_at LIMIT {_options.BatchSize} FOR UPDATE SKIP LOCKED")
                .ToListAsync(ct);
            var sent = 0;
            Exception? failure = null;
            foreach (var row in rows)
            {
                try
                {
                    await PublishAsync(row, ct);
                    row.DispatchedAt = time.GetUtcNow();
                    sent++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // The broker is likely down: record it on the row and stop this batch; the rest wait too.
                    row.Attempts++;
                    row.LastError = ex.Message.Length > 500 ? ex.Message[..500] : ex.Message;
                    failure = ex;
                    break;
                }
            }
            // Commit what was sent (and the failure's record) before reporting the failure.
            await db.SaveChangesAsync(ct);
            return (sent, failure);
        }, cancellationToken);
        return failure is null ? sent : throw new OutboxPublishException(sent, failure);
    }

    private async Task PublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        var type = Type.GetType(row.MessageType, throwOnError: true)!;
        var message = JsonSerializer.Deserialize(row.Payload, type, Outbox.Json)!;
        using var activity = Source.StartActivity("outbox publish", ActivityKind.Producer, row.TraceParent);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        await bus.Publish(message, type, context => context.MessageId = row.Id, timeout.Token);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed; retrying in {Seconds} s")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, double seconds);
}

/// <summary>A batch stopped at a failed publish after sending <see cref="Sent"/> rows (which are marked).</summary>
public sealed class OutboxPublishException(int sent, Exception inner)
    : Exception($"Publishing from the outbox failed after {sent} message(s): {inner.Message}", inner)
{
    public int Sent { get; } = sent;
}
