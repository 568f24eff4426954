using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Caching;

namespace ServiceDefaults.Tests.Caching;

/// <summary>Redis dies mid-flight and comes back: callers never see it (docs/storage.md).</summary>
[Collection(ServersCollection.Name)]
public sealed class AutoCacheFailoverTests(ServersFixture servers)
{
    [Fact]
    public async Task Redis_killed_mid_flight_switches_to_memory_within_a_second_and_back_within_ten_seconds_of_its_return()
    {
        using var host = CacheHost(servers.RedisConnectionString);
        var cache = host.Services.GetRequiredService<ICacheProvider>();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal("redis", cache.Active);
        using var switches = new SwitchCounter(host);
        var clock = Stopwatch.StartNew();
        var events = new ConcurrentQueue<string>();
        var multiplexer = host.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>();
        multiplexer.ConnectionFailed += (_, e) => events.Enqueue($"{clock.ElapsedMilliseconds} ms: {e.ConnectionType} failed ({e.FailureType})");
        multiplexer.ConnectionRestored += (_, e) => events.Enqueue($"{clock.ElapsedMilliseconds} ms: {e.ConnectionType} restored");

        var errors = new ConcurrentQueue<Exception>();
        long operations = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await cache.SetAsync($"w{w}", "v", TimeSpan.FromMinutes(1));
                    await cache.GetAsync($"w{w}");
                    await cache.IncrementAsync($"n{w}");
                    Interlocked.Increment(ref operations);
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
                // Calls arrive as requests do. A worker that never yields holds a pool thread for good once memory
                // answers synchronously; eight of them starve the probe, Redis's completions and the restart itself.
                await Task.Delay(1, CancellationToken.None);
            }
        })).ToArray();
        Assert.True(await Eventually.TrueAsync(() => Interlocked.Read(ref operations) > 100, TimeSpan.FromSeconds(10)));

        var killed = Stopwatch.StartNew();
        await servers.Redis.KillAsync();
        Assert.True(await Eventually.TrueAsync(() => cache.Active == "memory", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10)),
            $"still on {cache.Active} {killed.ElapsedMilliseconds} ms after Redis was killed; {string.Join("; ", events)}");
        var (status, active) = await CacheHealth(health);
        Assert.Equal((HealthStatus.Degraded, "memory"), (status, active));
        // Counted once, however many calls failed at once (Redis is down: nothing can switch back meanwhile).
        Assert.True(await Eventually.TrueAsync(() => switches.Count("redis", "memory") >= 1, TimeSpan.FromSeconds(5)), "the switch to memory was not counted");
        Assert.Equal(1, switches.Count("redis", "memory"));

        var during = Interlocked.Read(ref operations);
        Assert.True(await Eventually.TrueAsync(() => Interlocked.Read(ref operations) > during + 100, TimeSpan.FromSeconds(10)),
            "operations stopped while Redis was down");

        await servers.Redis.StartAsync();
        events.Enqueue($"{clock.ElapsedMilliseconds} ms: Redis answers again");
        var restarted = Stopwatch.StartNew();
        Assert.True(await Eventually.TrueAsync(() => cache.Active == "redis", TimeSpan.FromSeconds(10)),
            $"still on memory {restarted.ElapsedMilliseconds} ms after Redis returned; connected: {multiplexer.IsConnected}; {string.Join("; ", events)}");
        Assert.Equal((HealthStatus.Healthy, "redis"), await CacheHealth(health));
        Assert.True(await Eventually.TrueAsync(() => switches.Count("memory", "redis") >= 1, TimeSpan.FromSeconds(5)), "the switch back to Redis was not counted");

        await stop.CancelAsync();
        await Task.WhenAll(workers);
        Assert.Empty(errors);
        // Back on Redis, every switch away from it was matched by one back (and the eight workers failing at once
        // counted the first switch once).
        Assert.Equal("redis", cache.Active);
        Assert.Equal(switches.Count("redis", "memory"), switches.Count("memory", "redis"));
    }

    [Fact]
    public async Task Without_redis_configured_the_memory_provider_serves_and_health_is_healthy()
    {
        using var host = CacheHost(connectionString: null);
        var cache = host.Services.GetRequiredService<ICacheProvider>();
        using var switches = new SwitchCounter(host);
        Assert.Equal("memory", cache.Active);
        Assert.True(await cache.SetAsync("k", "v"));
        Assert.Equal("v", await cache.GetAsync("k"));
        var health = host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal((HealthStatus.Healthy, "memory"), await CacheHealth(health));
        Assert.True(switches.Listening, "cache_provider_switches is not published");
        Assert.Equal(0, switches.Count("redis", "memory") + switches.Count("memory", "redis"));
    }

    [Fact]
    public void Redis_mode_refuses_to_start_when_redis_is_not_reachable()
    {
        using var host = CacheHost("127.0.0.1:1,connectTimeout=300", provider: "redis");
        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<ICacheProvider>());
        Assert.Contains("not reachable", error.Message);
    }

    private static IHost CacheHost(string? connectionString, string provider = "auto")
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:cache"] = connectionString;
        builder.Configuration["Cache:Provider"] = provider;
        builder.Configuration["Cache:KeyPrefix"] = ServersFixture.Unique("failover") + ":";
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddCaching();
        return builder.Build();
    }

    /// <summary><c>cache_provider_switches</c> (exported as <c>cache_provider_switches_total</c>) of one host's meters, by direction.</summary>
    private sealed class SwitchCounter(IHost host) : IDisposable
    {
        private readonly CounterReader _reader = new(host.Services, AutoCacheProvider.MeterName, "cache_provider_switches");

        public bool Listening => _reader.Published;

        public long Count(string from, string to) => _reader.Total(("from", from), ("to", to));

        public void Dispose() => _reader.Dispose();
    }

    private static async Task<(HealthStatus, string)> CacheHealth(HealthCheckService health)
    {
        var report = await health.CheckHealthAsync(r => r.Name == "cache");
        var entry = report.Entries["cache"];
        return (entry.Status, (string)entry.Data["active"]);
    }
}
