using Medallion.Threading;
using Medallion.Threading.Postgres;
using Medallion.Threading.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class LockExtensions
{
    /// <summary>
    /// Distributed locks (DistributedLock's <see cref="IDistributedLockProvider"/>) for work whose correctness needs
    /// mutual exclusion across instances. <c>Locks:Provider</c>: <c>auto</c> (Redis when the cache connection is
    /// configured, else PostgreSQL advisory locks on the service's database), <c>redis</c> or <c>postgres</c>.
    /// Every instance must use the same back-end, so the choice follows configuration, never run-time health.
    /// </summary>
    public static IHostApplicationBuilder AddDistributedLocks(this IHostApplicationBuilder builder, string databaseConnectionName, string cacheConnectionName = "cache")
    {
        var provider = builder.Configuration["Locks:Provider"] ?? "auto";
        var redisConfigured = !string.IsNullOrEmpty(builder.Configuration.GetConnectionString(cacheConnectionName))
            && builder.Configuration["Cache:Provider"] != "memory";
        var useRedis = provider switch
        {
            "auto" => redisConfigured,
            "redis" when redisConfigured => true,
            "redis" => throw new InvalidOperationException($"Locks:Provider is 'redis' but ConnectionStrings:{cacheConnectionName} is not set."),
            "postgres" => false,
            _ => throw new InvalidOperationException($"Locks:Provider must be auto, redis or postgres, not '{provider}'."),
        };

        if (useRedis)
        {
            builder.Services.AddSingleton<IDistributedLockProvider>(sp =>
                new RedisDistributedSynchronizationProvider(sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase()));
        }
        else
        {
            var connectionString = builder.Configuration.GetRequiredConnectionString(databaseConnectionName);
            builder.Services.AddSingleton<IDistributedLockProvider>(_ => new PostgresDistributedSynchronizationProvider(connectionString));
        }
        return builder;
    }
}
