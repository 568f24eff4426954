using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Platform.LocalServers;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// One PostgreSQL, Redis and RabbitMQ per test run: the AppHost's own server resources, started by Aspire's testing
/// builder on free loopback ports with throwaway data (tuned for speed). Test classes isolate themselves by database,
/// virtual host and key prefix.
/// </summary>
public sealed class ServersFixture : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"platform-servers-{Guid.NewGuid():N}");
    private DistributedApplication? _app;
    private LocalPostgresResource _postgres = null!;
    private LocalRabbitMQResource _rabbitMQ = null!;

    /// <summary>The servers, which tests stop, kill and start again.</summary>
    public ServerControl Postgres { get; private set; } = null!;

    public ServerControl Redis { get; private set; } = null!;

    public ServerControl RabbitMQ { get; private set; } = null!;

    /// <summary>The Redis connection string (with its password), for <c>ConnectionStrings:cache</c>.</summary>
    public string RedisConnectionString { get; private set; } = null!;

    /// <summary>The superuser's connection string, as the AppHost gives it.</summary>
    public string PostgresConnectionString { get; private set; } = null!;

    /// <summary>The broker's default virtual host, as the AppHost gives it.</summary>
    public string RabbitMQConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = DistributedApplicationTestingBuilder.Create(
            [$"--DataDirectory={_data}", "--ThrowawayData=true"],
            (options, _) => options.AssemblyName = typeof(ServersFixture).Assembly.GetName().Name); // where the orchestrator is
        _postgres = builder.AddLocalPostgres("postgres").Resource;
        var redis = builder.AddLocalRedis("cache").Resource;
        _rabbitMQ = builder.AddLocalRabbitMQ("messaging").Resource;
        _app = await builder.BuildAsync();
        await _app.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Task.WhenAll(new[] { "postgres", "cache", "messaging" }.Select(name =>
            _app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token)));
        Postgres = new ServerControl(_app, _postgres);
        Redis = new ServerControl(_app, redis);
        RabbitMQ = new ServerControl(_app, _rabbitMQ);
        RedisConnectionString = (await redis.ConnectionStringExpression.GetValueAsync(default))!;
        PostgresConnectionString = (await _postgres.ConnectionStringExpression.GetValueAsync(default))!;
        RabbitMQConnectionString = (await _rabbitMQ.ConnectionStringExpression.GetValueAsync(default))!;
    }

    /// <summary>A fresh database with its own role; the name gets a unique suffix.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = Unique(prefix);
        var password = Guid.NewGuid().ToString("N");
        await PostgresAdmin.EnsureDatabaseAsync(_postgres.AdminConnectionString, name, password, default);
        var server = await _postgres.ConnectionStringExpression.GetValueAsync(default);
        return PostgresAdmin.RoleConnectionString(server!, name, password);
    }

    /// <summary>A fresh RabbitMQ virtual host; the name gets a unique suffix.</summary>
    public Task<string> CreateVirtualHostAsync(string prefix) =>
        _rabbitMQ.CreateVirtualHostAsync(Unique(prefix), _app!.Services.GetRequiredService<ResourceLoggerService>().GetLogger(_rabbitMQ));

    public static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)].ToLowerInvariant();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A server still writing its last files; the folder is under /tmp.
        }
    }
}
