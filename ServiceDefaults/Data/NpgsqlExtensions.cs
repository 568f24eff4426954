using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Platform.ServiceDefaults.Messaging;

namespace Microsoft.Extensions.Hosting;

public static class NpgsqlExtensions
{
    /// <summary>Health check name of the service's own database: down means Unhealthy (503).</summary>
    public const string DatabaseCheckName = "postgres";

    /// <summary>
    /// The service's own database from <c>ConnectionStrings:{name}</c>, as Aspire's Npgsql EF Core integration
    /// does it: pooled contexts, a retrying execution strategy, snake_case names, a health check.
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDbContext<TContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(connectionName);
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).EnableDynamicJson().Build();
        builder.Services.AddSingleton(dataSource);

        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.AddDbContextPool<TContext>((sp, options) =>
            ConfigureNpgsql(options, dataSource).AddInterceptors(sp.GetRequiredService<OutboxSignal>()));
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
