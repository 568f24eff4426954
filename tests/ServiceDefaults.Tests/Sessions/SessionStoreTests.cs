using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.ServiceDefaults.Caching;
using Platform.ServiceDefaults.Sessions;
using ServiceDefaults.Tests.Data;
using StackExchange.Redis;

namespace ServiceDefaults.Tests.Sessions;

public sealed class MemorySessionStoreTests : SessionStoreContractTests
{
    protected override Task<ISessionStore> CreateAsync() => Task.FromResult<ISessionStore>(new MemorySessionStore(TimeProvider.System));
}

[Collection(ServersCollection.Name)]
public sealed class RedisSessionStoreTests(ServersFixture servers) : SessionStoreContractTests
{
    private readonly List<IAsyncDisposable> _owned = [];
    private string? _database;

    protected override async Task<ISessionStore> CreateAsync()
    {
        _database ??= await TestDatabase.CreateMigratedAsync(servers, "sessions");
        var options = ConfigurationOptions.Parse(servers.RedisConnectionString);
        // As the platform connects (CachingExtensions): fail fast while disconnected, reconnect within seconds.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var source = NpgsqlDataSource.Create(_database);
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var store = new RedisSessionStore(connection, source, new CacheOptions { ProbeInterval = TimeSpan.FromMilliseconds(200), OperationTimeout = TimeSpan.FromMilliseconds(500) },
            TimeProvider.System, NullLogger<RedisSessionStore>.Instance, meters.GetRequiredService<IMeterFactory>());
        _owned.AddRange([store, connection, source, meters]);
        return store;
    }

    [Fact]
    public async Task Sessions_survive_a_restart_of_the_service()
    {
        await Store.SetAsync("survivor", "v", TimeSpan.FromMinutes(5));
        await _owned[1].DisposeAsync();
        var restarted = await CreateAsync();
        Assert.Equal("v", await restarted.GetAsync("survivor"));
    }

    [Fact]
    public async Task Redis_killed_during_session_reads_fails_no_call_and_loses_no_session()
    {
        var store = (RedisSessionStore)Store;
        await store.SetAsync("before", "b", TimeSpan.FromMinutes(5));
        var errors = new List<string>();
        long reads = 0;
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var value = await store.GetAsync("before");
                    if (value != "b") lock (errors) errors.Add($"read {value ?? "nothing"}");
                }
                catch (Exception e)
                {
                    lock (errors) errors.Add(e.GetType().Name + ": " + e.Message);
                }
                Interlocked.Increment(ref reads);
                await Task.Delay(2, CancellationToken.None);
            }
        });
        Assert.True(await Eventually.TrueAsync(() => Interlocked.Read(ref reads) > 20, TimeSpan.FromSeconds(10)));

        await servers.Redis.KillAsync();
        try
        {
            Assert.True(await Eventually.TrueAsync(() => store.Active == "postgres", TimeSpan.FromSeconds(5)), "the store did not switch to the database");
            var during = Interlocked.Read(ref reads);
            Assert.True(await Eventually.TrueAsync(() => Interlocked.Read(ref reads) > during + 20, TimeSpan.FromSeconds(10)), "reads stopped while Redis was down");
            // Sessions are made, ended and taken as usual meanwhile.
            await store.SetAsync("during", "d", TimeSpan.FromMinutes(5));
            await store.SetAsync("state", "s", TimeSpan.FromMinutes(5));
            Assert.Equal("s", await store.TakeAsync("state"));
            Assert.Null(await store.TakeAsync("state"));
            Assert.True(await store.DeleteAsync("during"));
            await store.SetAsync("made-during", "m", TimeSpan.FromMinutes(5));
        }
        finally
        {
            await servers.Redis.StartAsync();
        }

        Assert.True(await Eventually.TrueAsync(() => store.Active == "redis", TimeSpan.FromSeconds(20)), "the store did not switch back to Redis");
        await stop.CancelAsync();
        await reader;
        Assert.Empty(errors);
        // The restarted Redis is empty: what was made before and during the outage comes from the database.
        Assert.Equal("b", await store.GetAsync("before"));
        Assert.Equal("m", await store.GetAsync("made-during"));
        Assert.Null(await store.GetAsync("during"));
    }

    [Fact]
    public async Task A_session_ended_while_redis_did_not_answer_stays_ended_when_it_answers_again()
    {
        var store = (RedisSessionStore)Store;
        await store.SetAsync("ended", "e", TimeSpan.FromMinutes(5));
        await store.SetAsync("kept", "k", TimeSpan.FromMinutes(5));
        // Redis stops answering without losing its data (as a stalled or partitioned server would).
        var admin = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString + ",allowAdmin=true");
        _owned.Add(admin);
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL");
        // The first call finds Redis not answering and switches; the delete then never reaches Redis.
        Assert.Equal("k", await store.GetAsync("kept"));
        Assert.Equal("postgres", store.Active);
        Assert.True(await store.DeleteAsync("ended"));
        Assert.Null(await store.GetAsync("ended"));

        Assert.True(await Eventually.TrueAsync(() => store.Active == "redis", TimeSpan.FromSeconds(20)), "the store did not switch back to Redis");
        // Redis still held the ended session's key; it was deleted there before the store used Redis again.
        Assert.False(await admin.GetDatabase().KeyExistsAsync("session:ended"));
        Assert.Null(await store.GetAsync("ended"));
        Assert.Equal("k", await store.GetAsync("kept"));
    }

    public override async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }
}

[Collection(ServersCollection.Name)]
public sealed class PostgresSessionStoreTests(ServersFixture servers) : SessionStoreContractTests
{
    private readonly List<NpgsqlDataSource> _sources = [];
    private string? _connectionString;

    protected override async Task<ISessionStore> CreateAsync()
    {
        _connectionString ??= await TestDatabase.CreateMigratedAsync(servers, "sessions");
        var source = NpgsqlDataSource.Create(_connectionString);
        _sources.Add(source);
        return new PostgresSessionStore(source, TimeProvider.System);
    }

    [Fact]
    public async Task Sessions_survive_a_process_restart_without_redis()
    {
        await Store.SetAsync("survivor", "v", TimeSpan.FromMinutes(5));
        await _sources[0].DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        var restarted = await CreateAsync();
        Assert.Equal("v", await restarted.GetAsync("survivor"));
    }

    [Fact]
    public async Task Purge_removes_only_expired_rows()
    {
        var store = (PostgresSessionStore)Store;
        await store.SetAsync("old", "v", TimeSpan.FromMilliseconds(1));
        await store.SetAsync("live", "v", TimeSpan.FromMinutes(5));
        Assert.True(await Eventually.TrueAsync(async () => !await store.ExistsAsync("old"), TimeSpan.FromSeconds(5)));
        Assert.True(await store.PurgeExpiredAsync() >= 1);
        Assert.Equal("v", await store.GetAsync("live"));
    }

    public override async Task DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }
    }
}
