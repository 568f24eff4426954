using System.Globalization;
using System.Threading.RateLimiting;
using Gateway.Auth;
using Gateway.Routing;
using Platform.ServiceDefaults.Http;

namespace Gateway.RateLimiting;

/// <summary>The <c>RateLimits</c> section: token buckets per client address and per credential.</summary>
public sealed class RateLimitOptions
{
    public int PerIpPerSecond { get; set; } = 50;
    public int PerIpBurst { get; set; } = 100;
    public int PerCredentialPerSecond { get; set; } = 20;
    public int PerCredentialBurst { get; set; } = 40;
}

public static class GatewayRateLimits
{
    /// <summary>
    /// Per-IP and per-credential limits with ASP.NET Core rate limiting, chained: a request needs a permit from
    /// both. An API key's own requests-per-minute and concurrency (from identity) replace the credential default;
    /// its concurrency is left to pool on relay routes.
    /// Refusals are 429 ProblemDetails with Retry-After.
    /// </summary>
    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetTokenBucketLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => Bucket(options.PerIpPerSecond, options.PerIpBurst))),
                PartitionedRateLimiter.Create<HttpContext, string>(context => context.Features.Get<Caller>() switch
                {
                    { IsAnonymous: false, Limits.RequestsPerMinute: { } perMinute } caller => RateLimitPartition.GetFixedWindowLimiter(
                        "key:" + caller.CredentialId, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) }),
                    { IsAnonymous: false } caller => RateLimitPartition.GetTokenBucketLimiter(
                        "cred:" + caller.CredentialId, _ => Bucket(options.PerCredentialPerSecond, options.PerCredentialBurst)),
                    _ => RateLimitPartition.GetNoLimiter("anonymous"),
                }),
                PartitionedRateLimiter.Create<HttpContext, string>(context => context.Features.Get<Caller>() switch
                {
                    // Pool counts a key's relay requests across every gateway instance; a local count would be per instance.
                    _ when context.Request.IsRelay() => RateLimitPartition.GetNoLimiter("relay"),
                    { Limits.Concurrency: { } concurrency } caller => RateLimitPartition.GetConcurrencyLimiter(
                        "concurrency:" + caller.CredentialId, _ => new ConcurrencyLimiterOptions { PermitLimit = concurrency, QueueLimit = 0 }),
                    _ => RateLimitPartition.GetNoLimiter("unlimited"),
                }));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Problems.Create(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests; slow down.").ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = Math.Max(burst, perSecond),
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
