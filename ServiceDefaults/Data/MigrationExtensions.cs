using Medallion.Threading.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Data;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// <c>Migrations:Mode</c>: <c>OnStart</c> (the default) migrates before the service takes requests; <c>Only</c>
/// migrates and stops the process (a deployment's migration job); <c>Off</c> leaves the schema to that job.
/// </summary>
public enum MigrationMode
{
    OnStart,
    Only,
    Off,
}

public static class MigrationExtensions
{
    /// <summary>
    /// Applies the context's EF Core migrations as <see cref="MigrationMode"/> says. Instances starting together take
    /// turns under a PostgreSQL advisory lock held for the whole run: EF Core's own lock lasts one migration's
    /// transaction, and two instances on a fresh database still both tried to create the first tables. The database
    /// is then reported at <c>/internal/db-status</c>, pending migrations included.
    /// </summary>
    public static IServiceCollection AddMigration<TContext>(this IServiceCollection services) where TContext : DbContext =>
        services.AddHostedService<MigrationHostedService<TContext>>()
                .AddSingleton<IDbStatusSource, DbStatusSource<TContext>>();

    private sealed class MigrationHostedService<TContext>(
        IServiceProvider services, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<MigrationHostedService<TContext>> logger)
        : IHostedService where TContext : DbContext
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var mode = configuration.GetValue("Migrations:Mode", MigrationMode.OnStart);
            if (mode == MigrationMode.Off) return;
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                // On the context's own connection, opened here so that EF Core keeps it open (and the lock held) throughout.
                await db.Database.OpenConnectionAsync(cancellationToken);
                var migrating = new PostgresDistributedLock(
                    new PostgresAdvisoryLockKey($"migrations:{typeof(TContext).Name}", allowHashing: true), db.Database.GetDbConnection());
                await using (await migrating.AcquireAsync(cancellationToken: cancellationToken))
                {
                    logger.LogInformation("Applying pending migrations of {Context}", typeof(TContext).Name);
                    await db.Database.MigrateAsync(cancellationToken);
                }
            }
            if (mode == MigrationMode.Only)
            {
                logger.LogInformation("Migrations of {Context} applied; stopping (Migrations:Mode is Only)", typeof(TContext).Name);
                lifetime.StopApplication();
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
