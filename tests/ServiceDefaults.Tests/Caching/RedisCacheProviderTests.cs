using Platform.ServiceDefaults.Caching;
using StackExchange.Redis;

namespace ServiceDefaults.Tests.Caching;

[Collection(ServersCollection.Name)]
public sealed class RedisCacheProviderTests(ServersFixture servers) : CacheContractTests
{
    private ConnectionMultiplexer? _redis;

    protected override async Task<ICacheProvider> CreateAsync(string keyPrefix)
    {
        _redis ??= await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        return new RedisCacheProvider(_redis, new CacheOptions { KeyPrefix = keyPrefix }, TimeProvider.System);
    }

    public override async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
