using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Platform.ServiceDefaults.Messaging;

namespace Microsoft.Extensions.Hosting;

public static class DatabaseExtensions
{
    /// <summary>Health check name of the service's own database: down means Unhealthy (503).</summary>
    public const string DatabaseCheckName = "postgres";

    /// <summary>
    /// The service's own database from <c>ConnectionStrings:{name}</c>, through Aspire's Npgsql integrations: a pooled
    /// <typeparamref name="TContext"/> (retrying execution strategy, snake_case names, the outbox signal) and an
    /// <see cref="NpgsqlDataSource"/> for hand-written SQL, both traced and metered, and one health check.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDbContext<TContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        builder.Configuration.GetRequiredConnectionString(connectionName);
        var tracing = builder.ExportsTraces();
        builder.AddNpgsqlDataSource(connectionName, settings =>
        {
            settings.DisableHealthChecks = true;
            settings.DisableTracing = !tracing;
        }, dataSource => dataSource.EnableDynamicJson());
        builder.AddNpgsqlDbContext<TContext>(connectionName, settings =>
        {
            settings.DisableHealthChecks = true;
            settings.DisableTracing = !tracing;
            settings.DisableRetry = true; // ours, below
        }, options => ConfigureNpgsql(options).UseNpgsql(npgsql => npgsql.ConfigureDataSource(source => source.EnableDynamicJson())));

        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.ConfigureDbContext<TContext>((sp, options) => options.AddInterceptors(sp.GetRequiredService<OutboxSignal>()));
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>(
            DatabaseCheckName,
            HealthStatus.Unhealthy,
            customTestQuery: (db, ct) => db.Database.CanConnectAsync(ct));
        return builder;
    }

    /// <summary>Shared by the runtime registration and the design-time factories, so migrations see the same model.</summary>
    public static DbContextOptionsBuilder ConfigureNpgsql(DbContextOptionsBuilder options, NpgsqlDataSource? dataSource = null)
    {
        Action<Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder> npgsql =
            o => o.EnableRetryOnFailure(maxRetryCount: 5, maxRetryDelay: TimeSpan.FromSeconds(5), errorCodesToAdd: null)
                .MigrationsHistoryTable("__ef_migrations_history");
        _ = dataSource is null ? options.UseNpgsql(npgsql) : options.UseNpgsql(dataSource, npgsql);
        return options.UseSnakeCaseNamingConvention();
    }
}
