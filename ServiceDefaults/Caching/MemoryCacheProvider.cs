using System.Collections.Concurrent;
using System.Globalization;

namespace Platform.ServiceDefaults.Caching;

/// <summary>
/// The in-process cache: the same semantics as Redis, per instance. Entries are immutable and replaced with
/// compare-and-swap, so every operation is atomic without locks; expired entries are swept on a timer (and
/// dropped when read), and the entry count is capped.
/// </summary>
public sealed class MemoryCacheProvider : ICacheProvider, IDisposable
{
    private sealed record Entry(string Value, long ExpiresAt);

    private const long Never = long.MaxValue;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly string _prefix;
    private readonly int _maxEntries;
    private readonly ITimer _sweeper;
    private int _count;

    public MemoryCacheProvider(CacheOptions options, TimeProvider time)
    {
        _time = time;
        _prefix = options.KeyPrefix;
        _maxEntries = options.MaxEntries;
        _sweeper = time.CreateTimer(_ => SweepExpired(), null, options.SweepInterval, options.SweepInterval);
    }

    public string Active => "memory";

    /// <summary>Live entries (tests and the size cap).</summary>
    public int Count => Volatile.Read(ref _count);

    public ValueTask<string?> GetAsync(string key) => new(Live(_prefix + key)?.Value);

    public ValueTask<bool> SetAsync(string key, string value, TimeSpan? ttl = null, CacheWrite when = CacheWrite.Always) =>
        new(Set(_prefix + key, new Entry(value, ExpiryFor(ttl)), when));

    public ValueTask<string?> GetExAsync(string key, TimeSpan ttl)
    {
        var k = _prefix + key;
        while (true)
        {
            if (Live(k) is not { } current)
            {
                return new((string?)null);
            }
            if (_entries.TryUpdate(k, current with { ExpiresAt = ExpiryFor(ttl) }, current))
            {
                return new(current.Value);
            }
        }
    }

    public ValueTask<long> DeleteAsync(params string[] keys)
    {
        long deleted = 0;
        foreach (var key in keys)
        {
            if (Live(_prefix + key) is { } current && Remove(_prefix + key, current))
            {
                deleted++;
            }
        }
        return new(deleted);
    }

    /// <summary>Reads and removes the value in one step: of concurrent callers at most one gets it.</summary>
    public ValueTask<string?> TakeAsync(string key)
    {
        var k = _prefix + key;
        while (Live(k) is { } current)
        {
            if (Remove(k, current))
            {
                return new(current.Value);
            }
        }
        return new((string?)null);
    }

    public ValueTask<long> IncrementAsync(string key, long by = 1, TimeSpan? ttlIfNew = null)
    {
        var k = _prefix + key;
        while (true)
        {
            if (Live(k) is { } current)
            {
                if (!long.TryParse(current.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    throw new InvalidOperationException($"Cache value of '{key}' is not an integer.");
                }
                var next = checked(value + by);
                if (_entries.TryUpdate(k, current with { Value = next.ToString(CultureInfo.InvariantCulture) }, current))
                {
                    return new(next);
                }
            }
            else if (Set(k, new Entry(by.ToString(CultureInfo.InvariantCulture), ExpiryFor(ttlIfNew)), CacheWrite.IfAbsent))
            {
                return new(by);
            }
        }
    }

    public ValueTask<long> TtlAsync(string key)
    {
        if (Live(_prefix + key) is not { } entry)
        {
            return new(-2L);
        }
        if (entry.ExpiresAt == Never)
        {
            return new(-1L);
        }
        var ms = (entry.ExpiresAt - _time.GetTimestamp()) * 1000 / _time.TimestampFrequency;
        return new(Math.Max(0, (ms + 500) / 1000));
    }

    public async ValueTask<ICacheLock?> LockAsync(string name, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var key = CacheLocks.Key(name);
        var token = CacheLocks.NewToken();
        var acquired = await CacheLocks.PollAsync(
            () => SetAsync(key, token, lease, CacheWrite.IfAbsent), wait, _time, cancellationToken);
        return acquired ? new CacheLock(name, () => new(Release(_prefix + key, token))) : null;
    }

    public void Dispose() => _sweeper.Dispose();

    private bool Release(string key, string token) =>
        Live(key) is { } current && current.Value == token && Remove(key, current);

    private Entry? Live(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }
        if (entry.ExpiresAt != Never && entry.ExpiresAt <= _time.GetTimestamp())
        {
            Remove(key, entry);
            return null;
        }
        return entry;
    }

    private bool Set(string key, Entry entry, CacheWrite when)
    {
        while (true)
        {
            if (_entries.TryGetValue(key, out var current))
            {
                var live = current.ExpiresAt == Never || current.ExpiresAt > _time.GetTimestamp();
                if ((when == CacheWrite.IfAbsent && live) || (when == CacheWrite.IfExists && !live))
                {
                    return false;
                }
                if (_entries.TryUpdate(key, entry, current))
                {
                    return true;
                }
            }
            else
            {
                if (when == CacheWrite.IfExists)
                {
                    return false;
                }
                if (_entries.TryAdd(key, entry))
                {
                    if (Interlocked.Increment(ref _count) > _maxEntries)
                    {
                        Evict();
                    }
                    return true;
                }
            }
        }
    }

    private bool Remove(string key, Entry entry)
    {
        if (_entries.TryRemove(KeyValuePair.Create(key, entry)))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }
        return false;
    }

    private void SweepExpired()
    {
        var now = _time.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                Remove(key, entry);
            }
        }
    }

    /// <summary>Over the cap: drop what has expired, then the entries nearest to expiry, down to 90% of the cap.</summary>
    private void Evict()
    {
        SweepExpired();
        var excess = Count - _maxEntries * 9 / 10;
        if (excess <= 0)
        {
            return;
        }
        foreach (var (key, entry) in _entries.OrderBy(e => e.Value.ExpiresAt).Take(excess).ToList())
        {
            Remove(key, entry);
        }
    }

    private long ExpiryFor(TimeSpan? ttl) =>
        ttl is { } t ? _time.GetTimestamp() + (long)(t.TotalSeconds * _time.TimestampFrequency) : Never;
}
