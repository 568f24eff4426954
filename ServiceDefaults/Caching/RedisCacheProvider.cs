using StackExchange.Redis;

namespace Platform.ServiceDefaults.Caching;

/// <summary>The cache on Redis: each operation is one atomic command or script.</summary>
public sealed class RedisCacheProvider(IConnectionMultiplexer redis, CacheOptions options, TimeProvider time) : ICacheProvider
{
    // INCRBY keeps an existing expiry; only a key this call created gets the new one.
    private static readonly LuaScript Increment = LuaScript.Prepare("""
        local existed = redis.call('EXISTS', @key)
        local value = redis.call('INCRBY', @key, @by)
        if existed == 0 and tonumber(@ttl) > 0 then redis.call('PEXPIRE', @key, @ttl) end
        return value
        """);

    // Only the holder's token releases a lock.
    private static readonly LuaScript Release = LuaScript.Prepare("""
        if redis.call('GET', @key) == @token then return redis.call('DEL', @key) else return 0 end
        """);

    private readonly string _prefix = options.KeyPrefix;

    public string Active => "redis";

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<string?> GetAsync(string key) => await Db.StringGetAsync(K(key));

    public async ValueTask<bool> SetAsync(string key, string value, TimeSpan? ttl = null, CacheWrite when = CacheWrite.Always) =>
        await Db.StringSetAsync(K(key), value, ttl, when switch
        {
            CacheWrite.IfAbsent => When.NotExists,
            CacheWrite.IfExists => When.Exists,
            _ => When.Always,
        });

    public async ValueTask<string?> GetExAsync(string key, TimeSpan ttl) => await Db.StringGetSetExpiryAsync(K(key), ttl);

    public async ValueTask<long> DeleteAsync(params string[] keys) =>
        keys.Length == 0 ? 0 : await Db.KeyDeleteAsync(Array.ConvertAll(keys, k => K(k)));

    public async ValueTask<long> IncrementAsync(string key, long by = 1, TimeSpan? ttlIfNew = null) =>
        (long)await Db.ScriptEvaluateAsync(Increment, new
        {
            key = K(key),
            by,
            ttl = (long)(ttlIfNew?.TotalMilliseconds ?? 0),
        });

    public async ValueTask<long> TtlAsync(string key) => (long)await Db.ExecuteAsync("TTL", K(key));

    public async ValueTask<ICacheLock?> LockAsync(string name, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var key = K(CacheLocks.Key(name));
        var token = CacheLocks.NewToken();
        var acquired = await CacheLocks.PollAsync(
            async () => await Db.StringSetAsync(key, token, lease, When.NotExists), wait, time, cancellationToken);
        return acquired
            ? new CacheLock(name, async () => (long)await Db.ScriptEvaluateAsync(Release, new { key, token }) == 1)
            : null;
    }

    /// <summary>One round trip, to tell whether Redis answers.</summary>
    public async Task PingAsync() => await Db.PingAsync();

    private RedisKey K(string key) => _prefix + key;
}
