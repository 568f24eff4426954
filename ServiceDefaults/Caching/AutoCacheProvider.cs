using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Platform.ServiceDefaults.Caching;

/// <summary>
/// Redis while it answers, memory when it does not. A Redis failure switches the whole provider to memory at
/// once (the failing call is served by memory, so callers never see it) rather than flipping per call and
/// splitting state; a background probe switches back when Redis answers again. Every switch is logged and
/// counted in <c>cache_provider_switches_total</c>. Without Redis configured it simply is the memory provider.
/// </summary>
public sealed partial class AutoCacheProvider : ICacheProvider, IAsyncDisposable
{
    public const string MeterName = "Platform.Cache";

    private readonly RedisCacheProvider? _redis;
    private readonly MemoryCacheProvider _memory;
    private readonly bool _fallBack;
    private readonly CacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Counter<long> _switches;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _switching = new();
    private volatile bool _onRedis;
    private int _probing;
    private int _disposed;

    /// <param name="redis">Null when no Redis is configured.</param>
    /// <param name="fallBack">False for <c>Cache:Provider=redis</c>: failures reach the caller.</param>
    public AutoCacheProvider(
        RedisCacheProvider? redis, MemoryCacheProvider memory, bool fallBack, bool redisConnected,
        CacheOptions options, TimeProvider time, ILogger<AutoCacheProvider> logger, IMeterFactory meters)
    {
        _redis = redis;
        _memory = memory;
        _fallBack = fallBack;
        _options = options;
        _time = time;
        _logger = logger;
        _switches = meters.Create(MeterName).CreateCounter<long>(
            "cache_provider_switches", description: "Switches of the cache between Redis and memory.");
        _onRedis = redis is not null && (redisConnected || !fallBack);
        if (redis is not null && !_onRedis)
        {
            LogStartedOnMemory(_logger);
            StartProbe();
        }
    }

    public string Active => _onRedis ? "redis" : "memory";

    public string Configured => _options.Provider;

    /// <summary>True when Redis is configured but memory is serving: reported as Degraded.</summary>
    public bool IsDegraded => _redis is not null && !_onRedis;

    public ValueTask<string?> GetAsync(string key) =>
        _onRedis ? Try(c => c.GetAsync(key)) : _memory.GetAsync(key);

    public ValueTask<bool> SetAsync(string key, string value, TimeSpan? ttl = null, CacheWrite when = CacheWrite.Always) =>
        _onRedis ? Try(c => c.SetAsync(key, value, ttl, when)) : _memory.SetAsync(key, value, ttl, when);

    public ValueTask<string?> GetExAsync(string key, TimeSpan ttl) =>
        _onRedis ? Try(c => c.GetExAsync(key, ttl)) : _memory.GetExAsync(key, ttl);

    public ValueTask<long> DeleteAsync(params string[] keys) =>
        _onRedis ? Try(c => c.DeleteAsync(keys)) : _memory.DeleteAsync(keys);

    public ValueTask<long> IncrementAsync(string key, long by = 1, TimeSpan? ttlIfNew = null) =>
        _onRedis ? Try(c => c.IncrementAsync(key, by, ttlIfNew)) : _memory.IncrementAsync(key, by, ttlIfNew);

    public ValueTask<long> TtlAsync(string key) =>
        _onRedis ? Try(c => c.TtlAsync(key)) : _memory.TtlAsync(key);

    public ValueTask<ICacheLock?> LockAsync(string name, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default) =>
        _onRedis ? Try(c => c.LockAsync(name, lease, wait, cancellationToken)) : _memory.LockAsync(name, lease, wait, cancellationToken);

    /// <summary>Redis reported its connection lost: stop using it now rather than at the next failing call.</summary>
    public void OnConnectionFailed(Exception? reason)
    {
        if (_onRedis && _fallBack)
        {
            SwitchToMemory(reason);
        }
    }

    /// <summary>Stops the probe. Idempotent: the container holds this instance under two service types.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _memory.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private async ValueTask<T> Try<T>(Func<ICacheProvider, ValueTask<T>> operation)
    {
        if (!_fallBack)
        {
            return await operation(_redis!);
        }
        try
        {
            return await operation(_redis!).AsTask().WaitAsync(_options.OperationTimeout, _time);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            SwitchToMemory(ex);
            return await operation(_memory);
        }
    }

    private void SwitchToMemory(Exception? reason)
    {
        // When Redis goes, many calls fail at once: exactly one of them switches, so the switch is counted once.
        lock (_switching)
        {
            if (!_onRedis)
            {
                return;
            }
            _onRedis = false;
        }
        _switches.Add(1, new("from", "redis"), new("to", "memory"));
        LogSwitchedToMemory(_logger, reason?.Message ?? "connection lost");
        StartProbe();
    }

    /// <summary>While on memory, asks Redis every probe interval; the first answer switches back.</summary>
    private void StartProbe()
    {
        if (Interlocked.Exchange(ref _probing, 1) == 1)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                while (!_stopping.IsCancellationRequested)
                {
                    await Task.Delay(_options.ProbeInterval, _time, _stopping.Token);
                    try
                    {
                        await _redis!.PingAsync().WaitAsync(_options.OperationTimeout, _time);
                        _onRedis = true;
                        _switches.Add(1, new("from", "memory"), new("to", "redis"));
                        LogSwitchedToRedis(_logger);
                        return;
                    }
                    catch (Exception ex) when (ex is RedisException or TimeoutException)
                    {
                        // Still down: keep serving from memory.
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Shutting down.
            }
            finally
            {
                Volatile.Write(ref _probing, 0);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is configured but not reachable: the in-memory cache serves until it answers")]
    private static partial void LogStartedOnMemory(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache switched from Redis to memory: {Reason}")]
    private static partial void LogSwitchedToMemory(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cache switched back from memory to Redis")]
    private static partial void LogSwitchedToRedis(ILogger logger);
}
