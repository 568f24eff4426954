using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Hosting;

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

    /// <summary>
    /// Failures a row may cause itself (it cannot be loaded, or the broker refuses it) before it is parked. A broker
    /// that is down is nobody's row's fault and counts for nothing.
    /// </summary>
    public int MaxAttempts { get; set; } = 5;
}

/// <summary>
/// Publishes committed outbox rows and marks them sent. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so
/// several instances share the work; a row is marked only after its publish succeeded, so a crash or a broker
/// outage means a later re-send (consumers deduplicate by message id), never a loss. A row that fails on its own
/// account (its type is gone, its payload does not read, the broker refuses it) is passed over so the rows behind it
/// go out, and after <see cref="OutboxOptions.MaxAttempts"/> such failures it is parked: kept, counted in
/// <c>messaging_outbox_parked_total</c> and listed for an operator, who can replay it.
/// </summary>
public sealed partial class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes, IBus bus, OutboxSignal signal, IOptions<OutboxOptions> options, MessagingMetrics metrics,
    TimeProvider time, ILogger<OutboxDispatcher<TContext>> logger) : PeriodicBackgroundService(time)
    where TContext : PlatformDbContext
{
    private static readonly ActivitySource Source = new("Platform.Outbox");
    private readonly OutboxOptions _options = options.Value;

    protected override TimeSpan Period => _options.PollInterval;

    /// <summary>Until a batch comes up short: a full one means more rows are waiting.</summary>
    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        while (await DispatchBatchAsync(cancellationToken) == _options.BatchSize)
        {
        }
    }

    /// <summary>A commit with outbox rows wakes the dispatcher at once; the period is the backstop.</summary>
    protected override Task WaitForWakeAsync(CancellationToken cancellationToken) => signal.WaitAsync(cancellationToken);

    /// <summary>While the broker is unavailable: half a second, doubling to <see cref="OutboxOptions.MaxBackoff"/>.</summary>
    protected override TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(500).Ticks << Math.Min(failures - 1, 30), _options.MaxBackoff.Ticks));

    protected override void OnRoundFailed(Exception exception, TimeSpan retryIn) => LogDispatchFailed(logger, exception, retryIn.TotalSeconds);

    /// <summary>Publishes one batch; returns how many rows it took up (sent, or failed on their own account).</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var (handled, failure) = await db.InTransactionAsync(async ct =>
        {
            var rows = await db.OutboxMessages
                .FromSql($"SELECT * FROM outbox_messages WHERE dispatched_at IS NULL AND parked_at IS NULL ORDER BY created_at LIMIT {_options.BatchSize} FOR UPDATE SKIP LOCKED")
                .ToListAsync(ct);
            var handled = 0;
            Exception? failure = null;
            foreach (var row in rows)
            {
                try
                {
                    await PublishAsync(row, ct);
                    row.DispatchedAt = Time.GetUtcNow();
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    row.LastError = ex.Message.Length > 500 ? ex.Message[..500] : ex.Message;
                    if (IsBrokerUnavailable(ex))
                    {
                        // The broker is likely down: stop this batch; the rest wait too, and nothing is counted against the row.
                        failure = ex;
                        break;
                    }
                    Park(row, ex);
                }
                handled++;
            }
            // Commit what was sent (and the failures' records) before reporting the failure.
            await db.SaveChangesAsync(ct);
            return (handled, failure);
        }, cancellationToken);
        return failure is null ? handled : throw new OutboxPublishException(handled, failure);
    }

    /// <summary>Counts a failure the row caused; at the limit the row is parked.</summary>
    private void Park(OutboxMessage row, Exception ex)
    {
        row.Attempts++;
        if (row.Attempts < _options.MaxAttempts)
        {
            return;
        }
        row.ParkedAt = Time.GetUtcNow();
        metrics.Parked(ShortTypeName(row.MessageType));
        LogParked(logger, ex, row.Id, row.MessageType, row.Attempts);
    }

    private async Task PublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        var type = Type.GetType(row.MessageType, throwOnError: false)
            ?? throw new OutboxRowException($"Message type '{row.MessageType}' is not known to this service.");
        object message;
        try
        {
            message = JsonSerializer.Deserialize(row.Payload, type, Outbox.Json)
                ?? throw new OutboxRowException($"The payload of {row.Id} is null.");
        }
        catch (JsonException e)
        {
            throw new OutboxRowException($"The payload of {row.Id} does not read as {type.Name}: {e.Message}");
        }
        using var activity = Source.StartActivity("outbox publish", ActivityKind.Producer, row.TraceParent);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        await bus.Publish(message, type, context => context.MessageId = row.Id, timeout.Token);
    }

    /// <summary>A failure of the broker or the way to it, which no row is to blame for: timeouts, lost connections, transport errors.</summary>
    internal static bool IsBrokerUnavailable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is OutboxRowException)
            {
                return false;
            }
            if (e is OperationCanceledException or TimeoutException or ConnectionException or TransportException or IOException or SocketException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The type's own name, without namespace and assembly (a metric label).</summary>
    internal static string ShortTypeName(string messageType)
    {
        var name = messageType.Split(',')[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {Id} ({Type}) parked after {Attempts} failed attempts; replay it once fixed")]
    private static partial void LogParked(ILogger logger, Exception exception, Guid id, string type, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed; retrying in {Seconds} s")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, double seconds);
}

/// <summary>A batch stopped at a failed publish (the broker is unavailable) after taking up <see cref="Sent"/> rows (which are marked).</summary>
public sealed class OutboxPublishException(int sent, Exception inner)
    : Exception($"Publishing from the outbox failed after {sent} message(s): {inner.Message}", inner)
{
    public int Sent { get; } = sent;
}

/// <summary>A row that cannot be published whatever the broker does: its type is unknown here, or its payload does not read.</summary>
public sealed class OutboxRowException(string message) : Exception(message);
