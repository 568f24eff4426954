using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Caching;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisExtensions
{
    /// <summary>
    /// Registers a shared <see cref="IConnectionMultiplexer"/> from <c>ConnectionStrings:{name}</c> when one is set.
    /// Redis is optional: without it nothing is registered and the in-memory cache serves. The connection never
    /// blocks start-up and reconnects by itself, so a Redis outage degrades the service instead of stopping it.
    /// </summary>
    public static TBuilder AddRedisClient<TBuilder>(this TBuilder builder, string connectionName) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().Add(new(
            CacheHealthCheck.Name,
            sp => new CacheHealthCheck(builder.Configuration["Cache:Provider"] ?? "auto", sp.GetService<IConnectionMultiplexer>()),
            failureStatus: null,
            tags: null));

        if (builder.Configuration.GetConnectionString(connectionName) is not { Length: > 0 } connectionString)
        {
            return builder;
        }

        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        return builder;
    }
}
