using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Platform.ServiceDefaults.Caching;

/// <summary>Which cache serves, as shown in <c>/health</c>: <c>configured</c> is the setting, <c>active</c> what answers now.</summary>
public sealed record CacheState(string Configured, string Active);

/// <summary>Redis down is Degraded, never Unhealthy: the in-memory cache keeps the service working.</summary>
internal sealed class CacheHealthCheck(string configured, IConnectionMultiplexer? redis) : IHealthCheck
{
    public const string Name = "cache";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (redis is null)
        {
            return HealthCheckResult.Healthy("In-memory cache (Redis not configured).", Data(configured, "memory"));
        }

        try
        {
            await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy("Redis answers.", Data(configured, "redis"));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis does not answer; the in-memory cache serves.", ex, Data(configured, "memory"));
        }
    }

    internal static CacheState? Describe(HealthReportEntry entry) =>
        entry.Data.TryGetValue("configured", out var c) && entry.Data.TryGetValue("active", out var a)
            ? new CacheState((string)c, (string)a)
            : null;

    private static Dictionary<string, object> Data(string configured, string active) =>
        new() { ["configured"] = configured, ["active"] = active };
}
