using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Tests.Caching;

/// <summary>Read-through caching: memory L1 in each instance, Redis L2 shared between instances when present.</summary>
[Collection(ServersCollection.Name)]
public sealed class HybridCacheTests(ServersFixture servers)
{
    [Fact]
    public async Task A_value_loaded_by_one_instance_is_served_to_another_from_redis_without_loading_again()
    {
        var key = ServersFixture.Unique("config");
        using var first = CacheHost(servers.RedisConnectionString);
        using var second = CacheHost(servers.RedisConnectionString);
        var loads = 0;

        var a = await first.Services.GetRequiredService<HybridCache>().GetOrCreateAsync(key, _ => new ValueTask<string>($"loaded {++loads}"));

        // The L2 write (and the second instance's Redis connection) complete in the background, so the second
        // instance looks only at Redis, without loading or caching a miss, until the value shows up there.
        var secondCache = second.Services.GetRequiredService<HybridCache>();
        var l2Only = new HybridCacheEntryOptions
        {
            Flags = HybridCacheEntryFlags.DisableLocalCache | HybridCacheEntryFlags.DisableDistributedCacheWrite,
        };
        string? b = null;
        var shared = await Eventually.TrueAsync(async () =>
        {
            b = await secondCache.GetOrCreateAsync(key, _ => new ValueTask<string>("not in redis"), l2Only);
            return b != "not in redis";
        }, TimeSpan.FromSeconds(5));

        Assert.True(shared, "the value never reached Redis");
        Assert.Equal("loaded 1", a);
        Assert.Equal("loaded 1", b);
        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task Without_redis_each_instance_caches_in_memory()
    {
        var key = ServersFixture.Unique("config");
        using var host = CacheHost(connectionString: null);
        var cache = host.Services.GetRequiredService<HybridCache>();
        var loads = 0;

        await cache.GetOrCreateAsync(key, _ => new ValueTask<int>(++loads));
        var again = await cache.GetOrCreateAsync(key, _ => new ValueTask<int>(++loads));

        Assert.Equal(1, again);
        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task With_redis_unreachable_reads_load_and_cache_in_memory_without_throwing()
    {
        // A Redis address where nothing listens: the L2 fails on every call, as when Redis dies mid-flight.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var deadPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var host = CacheHost($"127.0.0.1:{deadPort},connectTimeout=200");
        var cache = host.Services.GetRequiredService<HybridCache>();
        var key = ServersFixture.Unique("config");
        var loads = 0;

        var first = await cache.GetOrCreateAsync(key, _ => new ValueTask<int>(++loads));
        var again = await cache.GetOrCreateAsync(key, _ => new ValueTask<int>(++loads));

        Assert.Equal(1, first);
        Assert.Equal(1, again);
        Assert.Equal(1, loads);
    }

    private static IHost CacheHost(string? connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:cache"] = connectionString;
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddCaching();
        return builder.Build();
    }
}
