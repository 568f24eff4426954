using Npgsql;

namespace Pool.Api.Relay;

/// <summary>
/// Clears what the relay leaves behind: expired slots and sticky sessions (already ignored by every query) and minute
/// buckets older than a day. Idempotent deletes, so every instance may run it.
/// </summary>
public sealed class RelayJanitor(NpgsqlDataSource database, TimeProvider time, ILogger<RelayJanitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = time.GetUtcNow();
                await using var batch = database.CreateBatch();
                batch.BatchCommands.Add(new("DELETE FROM relay_slots WHERE expires_at <= $1") { Parameters = { new() { Value = now } } });
                batch.BatchCommands.Add(new("DELETE FROM relay_sticky_sessions WHERE expires_at <= $1") { Parameters = { new() { Value = now } } });
                batch.BatchCommands.Add(new("DELETE FROM relay_usage WHERE period = 'minute' AND bucket_start < $1") { Parameters = { new() { Value = now.AddDays(-1) } } });
                await batch.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Relay cleanup failed; it runs again in a minute");
            }
        }
    }
}
