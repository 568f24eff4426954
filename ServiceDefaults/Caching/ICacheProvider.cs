namespace Platform.ServiceDefaults.Caching;

/// <summary>When a write takes effect.</summary>
public enum CacheWrite
{
    Always,
    /// <summary>Only when the key is missing (Redis <c>NX</c>).</summary>
    IfAbsent,
    /// <summary>Only when the key exists (Redis <c>XX</c>).</summary>
    IfExists,
}

/// <summary>
/// The cache business code uses, never Redis directly (docs/storage.md). Keys are namespaced
/// with <c>Cache:KeyPrefix</c>. Nothing whose loss would matter lives only here: bans, counters that guard
/// security, revocations and leases are kept in PostgreSQL.
/// </summary>
public interface ICacheProvider
{
    /// <summary>What serves now: <c>redis</c> or <c>memory</c>.</summary>
    string Active { get; }

    ValueTask<string?> GetAsync(string key);

    /// <summary>Writes the value with an optional expiry (none: it never expires); false when the condition failed.</summary>
    ValueTask<bool> SetAsync(string key, string value, TimeSpan? ttl = null, CacheWrite when = CacheWrite.Always);

    /// <summary>Returns the value and resets its expiry to <paramref name="ttl"/> (sliding).</summary>
    ValueTask<string?> GetExAsync(string key, TimeSpan ttl);

    /// <summary>Deletes the keys; returns how many existed.</summary>
    ValueTask<long> DeleteAsync(params string[] keys);

    /// <summary>Atomic add: a missing key counts as 0 and gets <paramref name="ttlIfNew"/>; an existing expiry is kept.</summary>
    ValueTask<long> IncrementAsync(string key, long by = 1, TimeSpan? ttlIfNew = null);

    /// <summary>-2 missing, -1 no expiry, else whole seconds left rounded to nearest as Redis does (never below 0).</summary>
    ValueTask<long> TtlAsync(string key);

    /// <summary>
    /// A best-effort lock: null when not acquired within <paramref name="wait"/>. The lease ends by itself if the
    /// holder dies; only the holder's token releases it. Correctness-critical exclusion uses DistributedLock instead.
    /// </summary>
    ValueTask<ICacheLock?> LockAsync(string name, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default);
}

public interface ICacheLock : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Releases the lock if this holder still owns it; false when the lease had already passed to someone else.</summary>
    ValueTask<bool> ReleaseAsync();
}

public static class CacheProviderExtensions
{
    public static ValueTask<bool> SetExAsync(this ICacheProvider cache, string key, TimeSpan ttl, string value) =>
        cache.SetAsync(key, value, ttl);
}
