using Microsoft.Extensions.Time.Testing;
using Platform.ServiceDefaults.Caching;

namespace ServiceDefaults.Tests.Caching;

public sealed class MemoryCacheProviderTests : CacheContractTests
{
    private readonly List<MemoryCacheProvider> _providers = [];

    protected override Task<ICacheProvider> CreateAsync(string keyPrefix)
    {
        var provider = new MemoryCacheProvider(new CacheOptions { KeyPrefix = keyPrefix }, TimeProvider.System);
        _providers.Add(provider);
        return Task.FromResult<ICacheProvider>(provider);
    }

    public override Task DisposeAsync()
    {
        _providers.ForEach(p => p.Dispose());
        return Task.CompletedTask;
    }

    [Fact]
    public void Expired_entries_are_evicted_by_the_sweeper_without_being_read()
    {
        var time = new FakeTimeProvider();
        using var cache = new MemoryCacheProvider(new CacheOptions { SweepInterval = TimeSpan.FromSeconds(1) }, time);
        for (var i = 0; i < 100; i++)
        {
            _ = cache.SetAsync($"k{i}", "v", TimeSpan.FromSeconds(5));
        }
        Assert.Equal(100, cache.Count);
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task The_size_cap_evicts_the_entries_nearest_to_expiry()
    {
        var time = new FakeTimeProvider();
        using var cache = new MemoryCacheProvider(new CacheOptions { MaxEntries = 100 }, time);
        for (var i = 0; i < 100; i++)
        {
            await cache.SetAsync($"soon{i}", "v", TimeSpan.FromSeconds(10 + i));
        }
        await cache.SetAsync("forever", "v");
        Assert.InRange(cache.Count, 1, 100);
        Assert.Equal("v", await cache.GetAsync("forever"));
        Assert.Null(await cache.GetAsync("soon0"));
        Assert.Equal("v", await cache.GetAsync("soon99"));
    }
}
