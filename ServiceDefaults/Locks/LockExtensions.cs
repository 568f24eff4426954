using Medallion.Threading;
using Medallion.Threading.Postgres;
using Medallion.Threading.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Locks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class LockExtensions
{
    /// <summary>
    /// Distributed locks (DistributedLock's <see cref="IDistributedLockProvider"/>) for work whose correctness needs
    /// mutual exclusion across instances. <c>Locks:Provider</c>: <c>auto</c> (Redis when the cache connection is
    /// configured, else PostgreSQL advisory locks on the service's database), <c>redis</c> or <c>postgres</c>.
    /// Every instance must use the same back-end, so the choice follows configuration; only a Redis lock that cannot
    /// be taken because Redis is down falls back, for that acquisition, to the PostgreSQL lock
    /// (<see cref="FallbackLockProvider"/>).
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

        var connectionString = builder.Configuration.GetRequiredConnectionString(databaseConnectionName);
        if (useRedis)
        {
            builder.Services.AddSingleton<IDistributedLockProvider>(sp => new FallbackLockProvider(
                new RedisDistributedSynchronizationProvider(sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase()),
                new PostgresDistributedSynchronizationProvider(connectionString),
                sp.GetRequiredService<ILogger<FallbackLockProvider>>()));
        }
        else
        {
            builder.Services.AddSingleton<IDistributedLockProvider>(_ => new PostgresDistributedSynchronizationProvider(connectionString));
        }
        return builder;
    }
}
