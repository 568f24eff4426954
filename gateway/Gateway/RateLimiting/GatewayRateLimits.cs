using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.RateLimiting;
using Gateway.Auth;
using Platform.ServiceDefaults.Http;

namespace Gateway.RateLimiting;

/// <summary>The <c>RateLimits</c> section: token buckets per client address and per credential.</summary>
public sealed class RateLimitOptions
{
    public int PerIpPerSecond { get; set; } = 50;
    public int PerIpBurst { get; set; } = 100;
    public int PerCredentialPerSecond { get; set; } = 20;
    public int PerCredentialBurst { get; set; } = 40;

    /// <summary>
    /// The web console's static files (<c>/console/</c>) count per address in a bucket of their own: a first visit
    /// fetches a hundred or so small files at once, which must neither be refused nor spend the address's API budget.
    /// </summary>
    public int ConsolePerIpPerSecond { get; set; } = 200;
    public int ConsolePerIpBurst { get; set; } = 400;
}

/// <summary>
/// The gateway's limits, asked by <see cref="GatewayAuthentication"/> as it goes: a client address before its
/// credential is looked at (guessing credentials cannot make identity introspect past the address's limit), then
/// the credential: its default bucket, or an API key's own requests per minute, and an API key's concurrency
/// (left to pool on relay routes, which counts it across every gateway instance). The limiters and their
/// partitioning are System.Threading.RateLimiting's. ASP.NET Core's rate-limiting middleware is not used: it
/// would be one more asynchronous layer on every proxied request, around limits that are all known up front.
/// Refusals are 429 ProblemDetails with Retry-After.
/// </summary>
public sealed class GatewayRateLimits : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly PartitionedRateLimiter<string> _consolePerAddress;
    private readonly PartitionedRateLimiter<CredentialLimit> _perCredential;
    private readonly PartitionedRateLimiter<CredentialLimit> _concurrency;
    private readonly Counter<long> _refused;

    public GatewayRateLimits(IConfiguration configuration, IMeterFactory meters)
    {
        Options = configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        // Factories made once: a lambda capturing these inside a partitioner would be allocated on every request.
        var perAddress = Bucket(Options.PerIpPerSecond, Options.PerIpBurst);
        var perCredential = Bucket(Options.PerCredentialPerSecond, Options.PerCredentialBurst);
        Func<string, RateLimiter> addressBucket = _ => new TokenBucketRateLimiter(perAddress);
        var consolePerAddress = Bucket(Options.ConsolePerIpPerSecond, Options.ConsolePerIpBurst);
        Func<string, RateLimiter> consoleBucket = _ => new TokenBucketRateLimiter(consolePerAddress);
        Func<CredentialLimit, RateLimiter> credentialLimiter = key => key.Limit is { } perMinute
            ? new FixedWindowRateLimiter(new() { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
            : new TokenBucketRateLimiter(perCredential);
        Func<CredentialLimit, RateLimiter> concurrencyLimiter = key => new ConcurrencyLimiter(new() { PermitLimit = key.Limit!.Value, QueueLimit = 0 });
        _perAddress = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.Get(address, addressBucket));
        _consolePerAddress = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.Get(address, consoleBucket));
        // A key's limit is part of its partition: a changed limit takes effect with the next introspection.
        _perCredential = PartitionedRateLimiter.Create<CredentialLimit, CredentialLimit>(key => RateLimitPartition.Get(key, credentialLimiter));
        _concurrency = PartitionedRateLimiter.Create<CredentialLimit, CredentialLimit>(key => RateLimitPartition.Get(key, concurrencyLimiter));
        _refused = meters.Create("Platform.Gateway").CreateCounter<long>(
            "gateway_rate_limited_total", description: "Requests refused with 429, by the limit that refused them (address, credential, concurrency)");
    }

    public RateLimitOptions Options { get; }

    /// <summary>Null when the address may go on (the console's static files count in their own bucket); else the 429 being written.</summary>
    public Task? RefuseAddress(HttpContext context, string clientAddress)
    {
        var lease = context.Request.Path.StartsWithSegments(Console.ConsoleEndpoints.BasePath)
            ? _consolePerAddress.AttemptAcquire(clientAddress)
            : _perAddress.AttemptAcquire(clientAddress);
        return lease.IsAcquired ? null : Refuse(context, lease, "address");
    }

    /// <summary>
    /// Null when the caller may go on (holding, until the response ends, a concurrency permit if its key has a
    /// concurrency limit); else the 429 being written. Anonymous callers are limited by their address only.
    /// </summary>
    public Task? RefuseCaller(HttpContext context, Caller caller, bool isRelay)
    {
        if (caller.IsAnonymous)
        {
            return null;
        }
        var lease = _perCredential.AttemptAcquire(new(caller.CredentialId!, caller.Limits?.RequestsPerMinute));
        if (!lease.IsAcquired)
        {
            return Refuse(context, lease, "credential");
        }
        if (!isRelay && caller.Limits?.Concurrency is { } concurrency)
        {
            var permit = _concurrency.AttemptAcquire(new(caller.CredentialId!, concurrency));
            if (!permit.IsAcquired)
            {
                return Refuse(context, permit, "concurrency");
            }
            context.Response.RegisterForDispose(permit);
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _perAddress.DisposeAsync();
        await _consolePerAddress.DisposeAsync();
        await _perCredential.DisposeAsync();
        await _concurrency.DisposeAsync();
    }

    private Task Refuse(HttpContext context, RateLimitLease lease, string limit)
    {
        using (lease)
        {
            _refused.Add(1, new KeyValuePair<string, object?>("limit", limit));
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Problems.Create(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests; slow down.").ExecuteAsync(context);
        }
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = Math.Max(burst, perSecond),
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>A credential and its own limit (requests per minute, or concurrency), if it has one.</summary>
    private readonly record struct CredentialLimit(string CredentialId, int? Limit);
}
