using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.ServiceDefaults.Caching;

/// <summary>Which cache serves, as shown in <c>/health</c>: <c>configured</c> is the setting, <c>active</c> what answers now.</summary>
public sealed record CacheState(string Configured, string Active);

/// <summary>Redis down is Degraded, never Unhealthy: the in-memory cache keeps the service working.</summary>
internal sealed class CacheHealthCheck(AutoCacheProvider cache) : IHealthCheck
{
    public const string Name = "cache";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["configured"] = cache.Configured, ["active"] = cache.Active };
        return Task.FromResult(cache.IsDegraded
            ? HealthCheckResult.Degraded("Redis does not answer; the in-memory cache serves.", data: data)
            : HealthCheckResult.Healthy(cache.Active == "redis" ? "Redis answers." : "In-memory cache.", data));
    }

    internal static CacheState? Describe(HealthReportEntry entry) =>
        entry.Data.TryGetValue("configured", out var c) && entry.Data.TryGetValue("active", out var a)
            ? new CacheState((string)c, (string)a)
            : null;
}
