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
        // Limiter factories made once: a lambda capturing the options would be a new delegate on every request.
        var perIp = Bucket(options.PerIpPerSecond, options.PerIpBurst);
        var perCredential = Bucket(options.PerCredentialPerSecond, options.PerCredentialBurst);
        Func<string, RateLimiter> perIpLimiter = _ => new TokenBucketRateLimiter(perIp);
        Func<string, RateLimiter> perCredentialLimiter = _ => new TokenBucketRateLimiter(perCredential);
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.Get(ClientAddress.Of(context), perIpLimiter)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => context.Features.Get<Caller>() switch
                {
                    { IsAnonymous: false, Limits.RequestsPerMinute: { } perMinute } caller => PerMinute(caller, perMinute),
                    { IsAnonymous: false } caller => RateLimitPartition.Get("cred:" + caller.CredentialId, perCredentialLimiter),
                    _ => RateLimitPartition.GetNoLimiter("anonymous"),
                }),
                PartitionedRateLimiter.Create<HttpContext, string>(context => context.Features.Get<Caller>() switch
                {
                    // Pool counts a key's relay requests across every gateway instance; a local count would be per instance.
                    _ when context.Request.IsRelay() => RateLimitPartition.GetNoLimiter("relay"),
                    { Limits.Concurrency: { } concurrency } caller => Concurrency(caller, concurrency),
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

    // In methods of their own: a lambda capturing these values inside the partitioners would allocate its closure
    // on every request, whichever branch the request takes.
    private static RateLimitPartition<string> PerMinute(Caller caller, int perMinute) => RateLimitPartition.GetFixedWindowLimiter(
        "key:" + caller.CredentialId, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) });

    private static RateLimitPartition<string> Concurrency(Caller caller, int concurrency) => RateLimitPartition.GetConcurrencyLimiter(
        "concurrency:" + caller.CredentialId, _ => new ConcurrencyLimiterOptions { PermitLimit = concurrency, QueueLimit = 0 });

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = Math.Max(burst, perSecond),
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
