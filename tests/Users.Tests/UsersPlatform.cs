using System.Collections.Concurrent;
using MassTransit;
using Npgsql;
using Platform.Contracts.Users;

namespace Users.Tests;

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<UsersPlatform>
{
    public const string Name = "users-platform";
}

/// <summary>Real servers, and on them the users service twice: with Redis and without.</summary>
public sealed class UsersPlatform : IAsyncLifetime
{
    public ServersFixture Servers { get; } = new();
    public UsersStack WithRedis { get; private set; } = null!;
    public UsersStack WithoutRedis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Servers.InitializeAsync();
        WithRedis = await UsersStack.StartAsync(Servers, redis: true);
        WithoutRedis = await UsersStack.StartAsync(Servers, redis: false);
    }

    public async Task DisposeAsync()
    {
        if (WithRedis is not null) await WithRedis.DisposeAsync();
        if (WithoutRedis is not null) await WithoutRedis.DisposeAsync();
        await Servers.DisposeAsync();
    }
}

/// <summary>
/// The users service in this process with its own database and vhost, and a bus on that vhost that plays the
/// other services' parts over the real broker: it publishes what identity and pool would, and records what
/// users publishes for them.
/// </summary>
public sealed class UsersStack : IAsyncDisposable
{
    private ServiceApp<Program> _app = null!;
    private IBusControl _bus = null!;

    public ShiftedClock Clock { get; } = new();
    public CapturedLogs Logs { get; } = new();
    public InternalTokens Tokens { get; } = new();
    public string Database { get; private set; } = "";
    public ConcurrentQueue<RedeemCodeRedeemed> Redeemed { get; } = new();
    public ConcurrentQueue<CancelSeatAllocation> Cancels { get; } = new();
    public ConcurrentQueue<UserDisabled> Disabled { get; } = new();
    public ConcurrentQueue<UserEnabled> Enabled { get; } = new();
    public IServiceProvider Services => _app.Services;

    public static async Task<UsersStack> StartAsync(ServersFixture servers, bool redis)
    {
        var stack = new UsersStack();
        var vhost = await servers.CreateVirtualHostAsync("users");
        stack.Database = await servers.CreateDatabaseAsync("users");
        stack._bus = await TestBus.StartAsync(vhost, rabbit => rabbit.ReceiveEndpoint("test-observer", e =>
        {
            e.Handler<RedeemCodeRedeemed>(c => { stack.Redeemed.Enqueue(c.Message); return Task.CompletedTask; });
            e.Handler<CancelSeatAllocation>(c => { stack.Cancels.Enqueue(c.Message); return Task.CompletedTask; });
            e.Handler<UserDisabled>(c => { stack.Disabled.Enqueue(c.Message); return Task.CompletedTask; });
            e.Handler<UserEnabled>(c => { stack.Enabled.Enqueue(c.Message); return Task.CompletedTask; });
        }));
        stack._app = new ServiceApp<Program>(new Dictionary<string, string?>
        {
            ["Service:Name"] = "users",
            ["ConnectionStrings:usersdb"] = stack.Database,
            ["ConnectionStrings:messaging"] = vhost,
            ["ConnectionStrings:cache"] = redis ? servers.RedisConnectionString : null,
            ["Cache:Provider"] = redis ? "auto" : "memory",
            ["InternalAuth:PublicKey"] = stack.Tokens.PublicKey,
            ["Redemptions:CheckInterval"] = "00:00:00.200",
            ["Jobs:PollIntervalMilliseconds"] = "100",
            ["Jobs:BackoffSeconds"] = "0.2",
            ["Jobs:MaxBackoffSeconds"] = "1",
            // Small batches, so a bulk job of a few dozen users moves its counts several times.
            ["BulkStatus:BatchSize"] = "10",
        }, stack.Clock, stack.Logs);
        using var client = stack._app.CreateClient();
        Assert.True(await Eventually.TrueAsync(async () => (await client.GetAsync("/health")).IsSuccessStatusCode, TimeSpan.FromSeconds(30)));
        return stack;
    }

    /// <summary>A client of the users service carrying a signed-in user's internal JWT.</summary>
    public HttpClient ClientFor(Guid userId, string? email = null, params string[] roles)
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For("users", userId, email, null, roles));
        return client;
    }

    public HttpClient AdminClient(bool withDomain = true)
    {
        var client = ClientFor(Guid.NewGuid(), "admin@example.test", "user", "admin");
        if (withDomain) client.DefaultRequestHeaders.Add("X-Domain", "users");
        return client;
    }

    public Task PublishAsync<T>(T message) where T : class => _bus.Publish(message);

    /// <summary>A profile for each of <paramref name="count"/> new users, created by their first request; their emails contain <paramref name="marker"/>.</summary>
    public async Task<List<Guid>> CreateUsersAsync(int count, string marker)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            using var client = ClientFor(id, $"{marker}-{i}@example.test");
            using var response = await client.GetAsync("/api/users/me");
            response.EnsureSuccessStatusCode();
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>
    /// The first column of the first row of <paramref name="sql"/> against this stack's database (<c>$1</c>... are the
    /// arguments; pass a reference-type array as <c>(object)array</c>, or params spreads it).
    /// </summary>
    public Task<T> ScalarAsync<T>(string sql, params object[] arguments) => ScalarAsync<T>(Database, sql, arguments);

    public static async Task<T> ScalarAsync<T>(string database, string sql, params object[] arguments)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var argument in arguments) command.Parameters.Add(new NpgsqlParameter { Value = argument });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _bus.StopAsync();
    }
}
