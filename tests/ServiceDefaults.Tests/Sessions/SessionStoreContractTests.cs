using Platform.ServiceDefaults.Sessions;

namespace ServiceDefaults.Tests.Sessions;

/// <summary>The same cases against every <see cref="ISessionStore"/> back-end.</summary>
public abstract class SessionStoreContractTests : IAsyncLifetime
{
    protected ISessionStore Store { get; private set; } = null!;

    protected abstract Task<ISessionStore> CreateAsync();

    public async Task InitializeAsync() => Store = await CreateAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static string Key() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Set_get_exists_and_delete_report_what_is_there()
    {
        var key = Key();
        Assert.Null(await Store.GetAsync(key));
        Assert.False(await Store.ExistsAsync(key));
        await Store.SetAsync(key, "{\"user\":1}", TimeSpan.FromMinutes(5));
        Assert.Equal("{\"user\":1}", await Store.GetAsync(key));
        Assert.True(await Store.ExistsAsync(key));
        Assert.True(await Store.DeleteAsync(key));
        Assert.False(await Store.DeleteAsync(key));
        Assert.Null(await Store.GetAsync(key));
    }

    [Fact]
    public async Task Set_replaces_the_value()
    {
        var key = Key();
        await Store.SetAsync(key, "a", TimeSpan.FromMinutes(5));
        await Store.SetAsync(key, "b", TimeSpan.FromMinutes(5));
        Assert.Equal("b", await Store.GetAsync(key));
    }

    [Fact]
    public async Task A_ttl_of_zero_or_none_means_no_expiry()
    {
        var none = Key();
        var zero = Key();
        await Store.SetAsync(none, "v");
        await Store.SetAsync(zero, "v", TimeSpan.Zero);
        Assert.Equal("v", await Store.GetAsync(none));
        Assert.Equal("v", await Store.GetAsync(zero));
    }

    [Fact]
    public async Task An_expired_entry_is_gone()
    {
        var key = Key();
        await Store.SetAsync(key, "v", TimeSpan.FromMilliseconds(300));
        Assert.True(await Eventually.TrueAsync(async () => !await Store.ExistsAsync(key), TimeSpan.FromSeconds(5)));
        Assert.Null(await Store.GetAsync(key));
        Assert.Null(await Store.TakeAsync(key));
    }

    [Fact]
    public async Task Take_gives_the_value_to_exactly_one_of_concurrent_callers()
    {
        var key = Key();
        await Store.SetAsync(key, "state", TimeSpan.FromMinutes(10));
        var taken = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Store.TakeAsync(key))));
        Assert.Single(taken, t => t == "state");
        Assert.False(await Store.ExistsAsync(key));
    }
}
