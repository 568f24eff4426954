using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.Caching;

/// <summary>The <c>Cache</c> configuration section.</summary>
public sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary><c>auto</c> (Redis when configured and reachable, else memory), <c>redis</c> (required), <c>memory</c>.</summary>
    [RegularExpression("^(auto|redis|memory)$", ErrorMessage = "Cache:Provider must be auto, redis or memory.")]
    public string Provider { get; set; } = "auto";

    public string KeyPrefix { get; set; } = "app:";

    /// <summary>The in-memory cache's size cap; past it the entries nearest to expiry are evicted.</summary>
    [Range(100, int.MaxValue)]
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>How often expired in-memory entries are swept (they are also dropped when read).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>While on memory in <c>auto</c>, how often Redis is asked whether it is back.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A Redis call slower than this counts as Redis failing.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(1000);
}
