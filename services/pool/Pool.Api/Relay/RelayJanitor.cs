using Npgsql;
using Platform.ServiceDefaults.Hosting;

namespace Pool.Api.Relay;

/// <summary>
/// Clears what the relay leaves behind: expired slots and sticky sessions (already ignored by every query) and minute
/// buckets older than a day. Idempotent deletes, so every instance may run it.
/// </summary>
public sealed class RelayJanitor(NpgsqlDataSource database, TimeProvider time, ILogger<RelayJanitor> logger) : PeriodicBackgroundService(time)
{
    protected override TimeSpan Period => TimeSpan.FromMinutes(1);

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new("DELETE FROM relay_slots WHERE expires_at <= $1") { Parameters = { new() { Value = now } } });
        batch.BatchCommands.Add(new("DELETE FROM relay_sticky_sessions WHERE expires_at <= $1") { Parameters = { new() { Value = now } } });
        batch.BatchCommands.Add(new("DELETE FROM relay_usage WHERE period = 'minute' AND bucket_start < $1") { Parameters = { new() { Value = now.AddDays(-1) } } });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override void OnRoundFailed(Exception exception, TimeSpan retryIn) =>
        logger.LogWarning(exception, "Relay cleanup failed; it runs again in a minute");
}
