using Platform.ServiceDefaults.Caching;

namespace ServiceDefaults.Tests.Caching;

/// <summary>The same cases against every <see cref="ICacheProvider"/>: docs/storage.md.</summary>
public abstract class CacheContractTests : IAsyncLifetime
{
    protected ICacheProvider Cache { get; private set; } = null!;

    protected abstract Task<ICacheProvider> CreateAsync(string keyPrefix);

    public async Task InitializeAsync() => Cache = await CreateAsync(ServersFixture.Unique("t") + ":");

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Get_of_a_missing_key_is_null_and_set_then_get_returns_the_value()
    {
        Assert.Null(await Cache.GetAsync("missing"));
        Assert.True(await Cache.SetAsync("k", "v"));
        Assert.Equal("v", await Cache.GetAsync("k"));
    }

    [Fact]
    public async Task Set_if_absent_writes_only_a_missing_key()
    {
        Assert.True(await Cache.SetAsync("k", "first", when: CacheWrite.IfAbsent));
        Assert.False(await Cache.SetAsync("k", "second", when: CacheWrite.IfAbsent));
        Assert.Equal("first", await Cache.GetAsync("k"));
    }

    [Fact]
    public async Task Set_if_exists_writes_only_an_existing_key()
    {
        Assert.False(await Cache.SetAsync("k", "v", when: CacheWrite.IfExists));
        Assert.Null(await Cache.GetAsync("k"));
        await Cache.SetAsync("k", "v");
        Assert.True(await Cache.SetAsync("k", "w", when: CacheWrite.IfExists));
        Assert.Equal("w", await Cache.GetAsync("k"));
    }

    [Fact]
    public async Task Only_one_of_concurrent_set_if_absent_calls_wins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(async () => await Cache.SetAsync("race", i.ToString(), TimeSpan.FromMinutes(1), CacheWrite.IfAbsent))));
        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task Ttl_is_minus_two_for_missing_minus_one_without_expiry_and_rounded_seconds_otherwise()
    {
        Assert.Equal(-2, await Cache.TtlAsync("missing"));
        await Cache.SetAsync("forever", "v");
        Assert.Equal(-1, await Cache.TtlAsync("forever"));
        await Cache.SetExAsync("timed", TimeSpan.FromSeconds(100), "v");
        Assert.InRange(await Cache.TtlAsync("timed"), 99, 100);
        // 1.6 s left rounds to 2, as Redis's TTL does.
        await Cache.SetExAsync("rounded", TimeSpan.FromMilliseconds(1600), "v");
        Assert.Equal(2, await Cache.TtlAsync("rounded"));
    }

    [Fact]
    public async Task A_plain_set_clears_an_earlier_expiry()
    {
        await Cache.SetExAsync("k", TimeSpan.FromSeconds(100), "v");
        await Cache.SetAsync("k", "w");
        Assert.Equal(-1, await Cache.TtlAsync("k"));
    }

    [Fact]
    public async Task An_expired_key_is_gone_and_its_ttl_never_goes_below_zero()
    {
        await Cache.SetExAsync("short", TimeSpan.FromMilliseconds(300), "v");
        Assert.True(await Eventually.TrueAsync(async () => await Cache.GetAsync("short") is null, TimeSpan.FromSeconds(5)));
        Assert.Equal(-2, await Cache.TtlAsync("short"));
        Assert.False(await Cache.SetAsync("short", "w", when: CacheWrite.IfExists));
        Assert.True(await Cache.SetAsync("short", "w", when: CacheWrite.IfAbsent));
    }

    [Fact]
    public async Task GetEx_returns_the_value_and_resets_its_expiry()
    {
        await Cache.SetExAsync("k", TimeSpan.FromSeconds(5), "v");
        Assert.Equal("v", await Cache.GetExAsync("k", TimeSpan.FromSeconds(500)));
        Assert.InRange(await Cache.TtlAsync("k"), 499, 500);
        Assert.Null(await Cache.GetExAsync("missing", TimeSpan.FromSeconds(5)));
        Assert.Equal(-2, await Cache.TtlAsync("missing"));
    }

    [Fact]
    public async Task Delete_returns_how_many_keys_existed()
    {
        await Cache.SetAsync("a", "1");
        await Cache.SetAsync("b", "2");
        Assert.Equal(2, await Cache.DeleteAsync("a", "b", "missing"));
        Assert.Null(await Cache.GetAsync("a"));
        Assert.Equal(0, await Cache.DeleteAsync("a"));
    }

    [Fact]
    public async Task Increment_counts_a_missing_key_from_zero_and_gives_a_new_key_its_expiry()
    {
        Assert.Equal(5, await Cache.IncrementAsync("n", 5, TimeSpan.FromSeconds(100)));
        Assert.InRange(await Cache.TtlAsync("n"), 99, 100);
        Assert.Equal(3, await Cache.IncrementAsync("n", -2, TimeSpan.FromSeconds(1)));
        // The existing expiry is kept, not replaced by the one offered for new keys.
        Assert.InRange(await Cache.TtlAsync("n"), 98, 100);
        Assert.Equal(1, await Cache.IncrementAsync("plain"));
        Assert.Equal(-1, await Cache.TtlAsync("plain"));
    }

    [Fact]
    public async Task Increment_of_an_expired_key_starts_again_from_zero()
    {
        await Cache.IncrementAsync("n", 10, TimeSpan.FromMilliseconds(200));
        Assert.True(await Eventually.TrueAsync(async () => await Cache.GetAsync("n") is null, TimeSpan.FromSeconds(5)));
        Assert.Equal(1, await Cache.IncrementAsync("n"));
    }

    [Fact]
    public async Task Increment_of_a_non_integer_fails()
    {
        await Cache.SetAsync("text", "abc");
        await Assert.ThrowsAnyAsync<Exception>(async () => await Cache.IncrementAsync("text"));
    }

    [Fact]
    public async Task Concurrent_increments_are_atomic()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await Cache.IncrementAsync("counter");
            }
        })));
        Assert.Equal("1000", await Cache.GetAsync("counter"));
    }

    [Fact]
    public async Task A_held_lock_is_not_acquired_again_until_released()
    {
        var held = await Cache.LockAsync("job", TimeSpan.FromSeconds(30), TimeSpan.Zero);
        Assert.NotNull(held);
        Assert.Null(await Cache.LockAsync("job", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(150)));
        Assert.True(await held.ReleaseAsync());
        await using var next = await Cache.LockAsync("job", TimeSpan.FromSeconds(30), TimeSpan.Zero);
        Assert.NotNull(next);
    }

    [Fact]
    public async Task A_waiter_gets_the_lock_when_the_holder_releases_it()
    {
        var held = (await Cache.LockAsync("job", TimeSpan.FromSeconds(30), TimeSpan.Zero))!;
        var waiter = Cache.LockAsync("job", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5)).AsTask();
        await held.ReleaseAsync();
        await using var acquired = await waiter;
        Assert.NotNull(acquired);
    }

    [Fact]
    public async Task A_lease_ends_by_itself_and_the_old_holder_cannot_release_the_new_one()
    {
        var dead = (await Cache.LockAsync("job", TimeSpan.FromMilliseconds(200), TimeSpan.Zero))!;
        var next = await Cache.LockAsync("job", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        Assert.NotNull(next);
        Assert.False(await dead.ReleaseAsync());
        Assert.Null(await Cache.LockAsync("job", TimeSpan.FromSeconds(30), TimeSpan.Zero));
        Assert.True(await next.ReleaseAsync());
    }

    [Fact]
    public async Task Keys_are_namespaced_by_prefix()
    {
        var other = await CreateAsync(ServersFixture.Unique("other") + ":");
        await Cache.SetAsync("shared", "mine");
        Assert.Null(await other.GetAsync("shared"));
    }
}
