using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Tests.Data;

/// <summary>
/// <c>Migrations:Mode</c>, as a deployment uses it: one job migrates and exits, the service's instances leave the
/// schema alone.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class MigrationModeTests(ServersFixture servers)
{
    [Fact]
    public async Task Only_applies_every_migration_and_stops_the_process()
    {
        var connectionString = await servers.CreateDatabaseAsync("migrate_only");
        using var host = Host(connectionString, "Only");
        var stopped = new TaskCompletionSource();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(stopped.SetResult);

        await host.StartAsync();

        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(await PendingAsync(connectionString));
        await host.StopAsync();
    }

    [Fact]
    public async Task Off_leaves_the_schema_to_the_migration_job_and_keeps_running()
    {
        var connectionString = await servers.CreateDatabaseAsync("migrate_off");
        using var host = Host(connectionString, "Off");

        await host.StartAsync();

        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        Assert.NotEmpty(await PendingAsync(connectionString));
        await host.StopAsync();
    }

    [Fact]
    public async Task By_default_migrations_are_applied_on_start_and_the_service_keeps_running()
    {
        var connectionString = await servers.CreateDatabaseAsync("migrate_on_start");
        using var host = Host(connectionString, mode: null);

        await host.StartAsync();

        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        Assert.Empty(await PendingAsync(connectionString));
        await host.StopAsync();
    }

    [Fact]
    public async Task Instances_starting_together_on_a_new_database_apply_each_migration_once()
    {
        var connectionString = await servers.CreateDatabaseAsync("migrate_together");
        var hosts = Enumerable.Range(0, 4).Select(_ => Host(connectionString, mode: null)).ToList();

        await Task.WhenAll(hosts.Select(h => h.StartAsync()));

        Assert.Empty(await PendingAsync(connectionString));
        foreach (var host in hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static IHost Host(string connectionString, string? mode)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        if (mode is not null) builder.Configuration["Migrations:Mode"] = mode;
        builder.Services.AddDbContext<TestDbContext>(options => DatabaseExtensions.ConfigureNpgsql(options).UseNpgsql(connectionString));
        builder.Services.AddMigration<TestDbContext>();
        return builder.Build();
    }

    private static async Task<IReadOnlyList<string>> PendingAsync(string connectionString)
    {
        var options = new DbContextOptionsBuilder<TestDbContext>();
        DatabaseExtensions.ConfigureNpgsql(options).UseNpgsql(connectionString);
        await using var db = new TestDbContext(options.Options);
        return [.. await db.Database.GetPendingMigrationsAsync()];
    }
}
