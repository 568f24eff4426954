using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Caching;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class CachingExtensions
{
    /// <summary>
    /// <see cref="ICacheProvider"/> and HybridCache, on Redis from <c>ConnectionStrings:{connectionName}</c> when it is
    /// set (and <c>Cache:Provider</c> allows), otherwise in memory. In <c>auto</c> mode a Redis outage at start or at
    /// run time degrades to memory; <c>redis</c> mode refuses to start without a reachable Redis.
    /// </summary>
    public static IHostApplicationBuilder AddCaching(this IHostApplicationBuilder builder, string connectionName = "cache")
    {
        var section = builder.Configuration.GetSection(CacheOptions.Section);
        builder.Services.AddOptions<CacheOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var options = section.Get<CacheOptions>() ?? new CacheOptions();
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (options.Provider == "redis" && string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException(
                $"Cache:Provider is 'redis' but ConnectionStrings:{connectionName} is not set.");
        }
        var useRedis = options.Provider != "memory" && !string.IsNullOrEmpty(connectionString);

        builder.Services.AddSingleton(sp => new MemoryCacheProvider(Options(sp), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => CreateProvider(sp, useRedis));
        builder.Services.AddSingleton<ICacheProvider>(sp => sp.GetRequiredService<AutoCacheProvider>());
        builder.Services.AddHostedService<CacheStartup>();
        builder.Services.AddHealthChecks().AddCheck<CacheHealthCheck>(CacheHealthCheck.Name);

        builder.Services.AddHybridCache();
        if (useRedis)
        {
            var strict = options.Provider == "redis";
            // Aspire's Redis client: the connection, traced. Its health check is left out: ours reports a Redis outage
            // as Degraded (the memory cache serves), never Unhealthy.
            builder.AddRedisClient(connectionName, settings =>
            {
                settings.DisableHealthChecks = true;
                settings.DisableTracing = !builder.ExportsTraces();
            }, config =>
            {
                config.AbortOnConnectFail = strict;
                config.ConnectTimeout = 2000;
                config.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
                // Fail calls at once while disconnected instead of queueing them until a timeout.
                config.BacklogPolicy = BacklogPolicy.FailFast;
                // Reconnect attempts at most 2 s apart (the default backs off to 10 s), so a Redis that returns is used
                // again within seconds however long it was gone.
                config.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
            });
            // HybridCache's L2: the same connection, so it shares the provider's view of Redis.
            builder.Services.AddStackExchangeRedisCache(_ => { });
            builder.Services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((o, sp) =>
                o.ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()));
        }
        return builder;
    }

    private static CacheOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<CacheOptions>>().Value;

    private static AutoCacheProvider CreateProvider(IServiceProvider sp, bool useRedis)
    {
        var options = Options(sp);
        var time = sp.GetRequiredService<TimeProvider>();
        var redis = useRedis ? Connect(sp, options) : null;
        var provider = new AutoCacheProvider(
            redis is null ? null : new RedisCacheProvider(redis, options, time),
            sp.GetRequiredService<MemoryCacheProvider>(),
            fallBack: options.Provider == "auto",
            redisConnected: redis?.IsConnected ?? false,
            options, time, sp.GetRequiredService<ILogger<AutoCacheProvider>>(), sp.GetRequiredService<IMeterFactory>());
        if (redis is not null)
        {
            redis.ConnectionFailed += (_, e) => provider.OnConnectionFailed(e.Exception);
        }
        return provider;
    }

    private static IConnectionMultiplexer Connect(IServiceProvider sp, CacheOptions options)
    {
        try
        {
            return sp.GetRequiredService<IConnectionMultiplexer>();
        }
        catch (RedisConnectionException ex) when (options.Provider == "redis")
        {
            var endpoints = string.Join(", ", sp.GetRequiredService<IOptions<ConfigurationOptions>>().Value.EndPoints);
            throw new InvalidOperationException($"Cache:Provider is 'redis' but Redis at {endpoints} is not reachable: {ex.Message}", ex);
        }
    }

    /// <summary>Builds the provider at start, so <c>redis</c> mode fails start-up rather than the first request.</summary>
    private sealed class CacheStartup(AutoCacheProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(provider);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
