using StackExchange.Redis;

namespace Platform.ServiceDefaults.Sessions;

/// <summary>Sessions in Redis, under <c>session:</c>: shared across instances and kept across service restarts.</summary>
public sealed class RedisSessionStore(IConnectionMultiplexer redis) : ISessionStore
{
    private IDatabase Db => redis.GetDatabase();

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        await Db.StringGetAsync(K(key));

    public Task SetAsync(string key, string value, TimeSpan? ttl = null, CancellationToken cancellationToken = default) =>
        Db.StringSetAsync(K(key), value, ttl is { } t && t > TimeSpan.Zero ? t : (TimeSpan?)null, When.Always);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => Db.KeyDeleteAsync(K(key));

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Db.KeyExistsAsync(K(key));

    public async Task<string?> TakeAsync(string key, CancellationToken cancellationToken = default) =>
        await Db.StringGetDeleteAsync(K(key));

    private static RedisKey K(string key) => "session:" + key;
}
