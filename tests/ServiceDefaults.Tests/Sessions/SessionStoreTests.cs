using Npgsql;
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
    private readonly List<ConnectionMultiplexer> _connections = [];

    protected override async Task<ISessionStore> CreateAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        _connections.Add(connection);
        return new RedisSessionStore(connection);
    }

    [Fact]
    public async Task Sessions_survive_a_restart_of_the_service()
    {
        await Store.SetAsync("survivor", "v", TimeSpan.FromMinutes(5));
        await _connections[0].DisposeAsync();
        var restarted = await CreateAsync();
        Assert.Equal("v", await restarted.GetAsync("survivor"));
    }

    public override async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
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
