using Platform.Hosting;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// One PostgreSQL, Redis and RabbitMQ per test run, started by the AppHost hosting library on free loopback ports
/// (ephemeral, tuned for speed). Test classes isolate themselves by database, virtual host and key prefix.
/// </summary>
public sealed class ServersFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    public PostgresServerResource Postgres { get; private set; } = null!;

    public RedisResource Redis { get; private set; } = null!;

    public RabbitMQServerResource RabbitMQ { get; private set; } = null!;

    /// <summary>The Redis connection string (with its password), for <c>ConnectionStrings:cache</c>.</summary>
    public string RedisConnectionString => Redis.ConnectionString!;

    public async Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Ephemeral = true, Output = TextWriter.Null });
        Postgres = builder.AddPostgres("postgres").Resource;
        Redis = builder.AddRedis("cache").Resource;
        RabbitMQ = builder.AddRabbitMQ("messaging").Resource;
        _app = builder.Build();
        await _app.StartAsync();
    }

    /// <summary>A fresh database with its own role; the name gets a unique suffix.</summary>
    public Task<string> CreateDatabaseAsync(string prefix) => Postgres.CreateDatabaseAsync(Unique(prefix));

    /// <summary>A fresh RabbitMQ virtual host; the name gets a unique suffix.</summary>
    public Task<string> CreateVirtualHostAsync(string prefix) => RabbitMQ.CreateVirtualHostAsync(Unique(prefix));

    public static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)].ToLowerInvariant();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
