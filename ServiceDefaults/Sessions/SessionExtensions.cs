using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.ServiceDefaults.Caching;
using Platform.ServiceDefaults.Sessions;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class SessionExtensions
{
    /// <summary>
    /// <see cref="ISessionStore"/> chosen by <c>Sessions:Store</c>: <c>postgres</c> (default: the service's own
    /// database, so sessions outlive any restart and any Redis outage), <c>redis</c> (needs the cache connection:
    /// read from Redis, kept in the database too, which serves while Redis is away), or <c>memory</c> (tests
    /// only). Call after AddNpgsqlDbContext and AddCaching.
    /// </summary>
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        var store = builder.Configuration["Sessions:Store"] ?? "postgres";
        _ = store switch
        {
            "postgres" => builder.Services.AddSingleton<ISessionStore, PostgresSessionStore>(),
            "redis" => builder.Services.AddSingleton<ISessionStore>(sp => new RedisSessionStore(
                sp.GetService<IConnectionMultiplexer>()
                    ?? throw new InvalidOperationException("Sessions:Store is 'redis' but no Redis is configured (ConnectionStrings:cache)."),
                sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<CacheOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisSessionStore>>(), sp.GetRequiredService<IMeterFactory>())),
            "memory" => builder.Services.AddSingleton<ISessionStore, MemorySessionStore>(),
            _ => throw new InvalidOperationException($"Sessions:Store must be postgres, redis or memory, not '{store}'."),
        };
        return builder;
    }
}
