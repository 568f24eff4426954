using System.ComponentModel.DataAnnotations;

namespace Pool.Api.Relay;

/// <summary>The <c>Relay</c> configuration section: the relay's numbers (docs/relay.md).</summary>
public sealed class RelayOptions : IValidatableObject
{
    public const string Section = "Relay";

    /// <summary>Where relayed <c>/v1/**</c> requests go (e.g. https://api.anthropic.com); without it the relay answers 503.</summary>
    public Uri? UpstreamBaseUrl { get; set; }

    [AllowedValues(SchedulingStrategies.LeastRecent, SchedulingStrategies.RoundRobin, SchedulingStrategies.LeastUsed,
        SchedulingStrategies.Random, SchedulingStrategies.WeightedRandom, SchedulingStrategies.Sequential)]
    public string Strategy { get; set; } = SchedulingStrategies.LeastRecent;

    /// <summary>How long a conversation stays on its account after its last request.</summary>
    [Range(1, 86_400)]
    public int StickySessionSeconds { get; set; } = 3600;

    /// <summary>A concurrency slot whose holder vanished (a crashed instance) stops counting after this long.</summary>
    [Range(10, 3600)]
    public int SlotLeaseSeconds { get; set; } = 180;

    /// <summary>Requests in flight per API key when identity set no limit on it; 0: unlimited.</summary>
    [Range(0, 10_000)]
    public int DefaultKeyConcurrency { get; set; }

    /// <summary>Requests in flight per upstream account; 0: unlimited.</summary>
    [Range(0, 10_000)]
    public int AccountConcurrency { get; set; }

    /// <summary>How long an account rests after a 429 the upstream attributes to it but that names no Retry-After or reset.</summary>
    [Range(1, 86_400)]
    public int RateLimitedSeconds { get; set; } = 3600;

    /// <summary>The shortest rest of a rate-limited account, whatever the upstream said.</summary>
    [Range(0, 86_400)]
    public int RateLimitMinSeconds { get; set; } = 1;

    /// <summary>The longest rest of a rate-limited account, whatever the upstream said.</summary>
    [Range(1, 86_400)]
    public int RateLimitMaxSeconds { get; set; } = 3600;

    /// <summary>How long the check call (<c>GET /v1/models</c>) after a 401/403 may take before it counts as inconclusive.</summary>
    [Range(1, 120)]
    public int AccountCheckTimeoutSeconds { get; set; } = 10;

    /// <summary>How long a passed check is trusted, so refused requests do not each cause a check; 0: check every time.</summary>
    [Range(0, 3600)]
    public int AccountCheckCacheSeconds { get; set; } = 60;

    /// <summary>Accounts tried for one request when the upstream refuses (429, 401, 403, overloaded).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    [Range(1, 100 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// How long an instance trusts what it read of a person's relay plan (a change made on another instance applies
    /// here after at most this long; on this one at once); 0: read it for every request.
    /// </summary>
    [Range(0, 300)]
    public int PlanCacheSeconds { get; set; } = 5;

    /// <summary>Minutes averaged by the realtime RPM/TPM figures.</summary>
    [Range(1, 60)]
    public int RealtimeWindowMinutes { get; set; } = 5;

    /// <summary>USD per million tokens, by model-name prefix (the longest matching prefix wins); configuration adds or overrides.</summary>
    public Dictionary<string, ModelPrice> Pricing { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["claude-opus-4"] = new(15m, 75m, 18.75m, 1.5m),
        ["claude-3-opus"] = new(15m, 75m, 18.75m, 1.5m),
        ["claude-sonnet-4"] = new(3m, 15m, 3.75m, 0.3m),
        ["claude-3-7-sonnet"] = new(3m, 15m, 3.75m, 0.3m),
        ["claude-3-5-sonnet"] = new(3m, 15m, 3.75m, 0.3m),
        ["claude-haiku-4"] = new(1m, 5m, 1.25m, 0.1m),
        ["claude-3-5-haiku"] = new(0.8m, 4m, 1m, 0.08m),
        ["claude-3-haiku"] = new(0.25m, 1.25m, 0.3m, 0.03m),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RateLimitMinSeconds > RateLimitMaxSeconds)
        {
            yield return new ValidationResult("Relay:RateLimitMinSeconds must not exceed Relay:RateLimitMaxSeconds.",
                [nameof(RateLimitMinSeconds), nameof(RateLimitMaxSeconds)]);
        }
    }

    /// <summary>The price of the longest configured prefix of the model's name; unknown models cost nothing.</summary>
    public ModelPrice PriceOf(string model)
    {
        ModelPrice? best = null;
        var length = -1;
        foreach (var (prefix, price) in Pricing)
        {
            if (prefix.Length > length && model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                (best, length) = (price, prefix.Length);
            }
        }
        return best ?? new ModelPrice();
    }
}

/// <summary>USD per million input, output, cache-creation and cache-read tokens.</summary>
public sealed record ModelPrice(decimal Input, decimal Output, decimal CacheCreate, decimal CacheRead)
{
    public ModelPrice() : this(0, 0, 0, 0)
    {
    }
}

public static class SchedulingStrategies
{
    public const string LeastRecent = "least_recent";
    public const string RoundRobin = "round_robin";
    public const string LeastUsed = "least_used";
    public const string Random = "random";
    public const string WeightedRandom = "weighted_random";
    public const string Sequential = "sequential";

    public static readonly string[] All = [LeastRecent, RoundRobin, LeastUsed, Random, WeightedRandom, Sequential];
}
