using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.ServiceDefaults.Caching;
using StackExchange.Redis;

namespace Platform.ServiceDefaults.Sessions;

/// <summary>
/// Sessions read from Redis (under <c>session:</c>) and kept in PostgreSQL as well (<see cref="PostgresSessionStore"/>),
/// so Redis failing at run time surfaces nowhere: as the cache does, the whole store switches to the database at
/// the first failure (logged, counted in <c>session_store_switches_total</c>) and back when a probe finds Redis
/// answering. Nothing is lost either way: every session is written to both; a read that misses Redis (a session
/// written during an outage) is answered by the database; and a session ended while Redis was away is deleted from
/// Redis before the store switches back (its key is noted in the database meanwhile), so it does not return.
/// Taking (single-use OAuth state) is decided by the database alone: one atomic delete, whatever Redis holds.
/// </summary>
public sealed partial class RedisSessionStore : ISessionStore, IAsyncDisposable
{
    public const string MeterName = "Platform.Sessions";
    private const string RedisPrefix = "session:";
    private const string Tombstone = "redis-tombstone:";
    /// <summary>How long a note to delete a key from Redis is kept: longer than any session lives.</summary>
    private static readonly TimeSpan TombstoneLifetime = TimeSpan.FromDays(31);

    private readonly IConnectionMultiplexer _redis;
    private readonly PostgresSessionStore _database;
    private readonly NpgsqlDataSource _dataSource;
    private readonly CacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Counter<long> _switches;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _switching = new();
    private volatile bool _onRedis = true;

    public RedisSessionStore(IConnectionMultiplexer redis, NpgsqlDataSource dataSource, CacheOptions options, TimeProvider time,
        ILogger<RedisSessionStore> logger, IMeterFactory meters)
    {
        _redis = redis;
        _dataSource = dataSource;
        _database = new PostgresSessionStore(dataSource, time);
        _options = options;
        _time = time;
        _logger = logger;
        _switches = meters.Create(MeterName).CreateCounter<long>("session_store_switches", description: "Switches of the session store between Redis and the database.");
    }

    /// <summary><c>redis</c>, or <c>postgres</c> while Redis is away.</summary>
    public string Active => _onRedis ? "redis" : "postgres";

    private IDatabase Redis => _redis.GetDatabase();

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (_onRedis && await TryRedisAsync(db => db.StringGetAsync(K(key))) is { HasValue: true } value)
        {
            return value;
        }
        return await _database.GetAsync(key, cancellationToken);
    }

    public async Task SetAsync(string key, string value, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        await _database.SetAsync(key, value, ttl, cancellationToken);
        if (_onRedis)
        {
            await TryRedisAsync(db => db.StringSetAsync(K(key), value, ttl is { } t && t > TimeSpan.Zero ? t : null, When.Always));
        }
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var existed = await _database.DeleteAsync(key, cancellationToken);
        if (!_onRedis || await TryRedisAsync(db => db.KeyDeleteAsync(K(key))) is not { } deleted)
        {
            // Redis is away and may still hold it: delete it there before Redis is used again.
            await _database.SetAsync(Tombstone + key, "", TombstoneLifetime, cancellationToken);
            return existed;
        }
        return existed || deleted;
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        await GetAsync(key, cancellationToken) is not null;

    public async Task<string?> TakeAsync(string key, CancellationToken cancellationToken = default)
    {
        var value = await _database.TakeAsync(key, cancellationToken);
        if (value is not null && (!_onRedis || await TryRedisAsync(db => db.KeyDeleteAsync(K(key))) is null))
        {
            await _database.SetAsync(Tombstone + key, "", TombstoneLifetime, cancellationToken);
        }
        return value;
    }

    public ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        return ValueTask.CompletedTask;
    }

    /// <summary>The Redis call's result, or null (and the store switched to the database) when Redis fails.</summary>
    private async Task<T?> TryRedisAsync<T>(Func<IDatabase, Task<T>> call) where T : struct
    {
        try
        {
            return await call(Redis).WaitAsync(_options.OperationTimeout, _time);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            SwitchToDatabase(e);
            return null;
        }
    }

    private void SwitchToDatabase(Exception reason)
    {
        lock (_switching)
        {
            if (!_onRedis)
            {
                return;
            }
            _onRedis = false;
        }
        _switches.Add(1, new("from", "redis"), new("to", "postgres"));
        LogSwitchedToDatabase(_logger, reason.Message);
        _ = Task.Run(ProbeAsync);
    }

    /// <summary>Asks Redis every probe interval; once it answers, deletes there what ended meanwhile, then switches back.</summary>
    private async Task ProbeAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                await Task.Delay(_options.ProbeInterval, _time, _stopping.Token);
                try
                {
                    await Redis.PingAsync().WaitAsync(_options.OperationTimeout, _time);
                    await ApplyTombstonesAsync();
                    _onRedis = true;
                    _switches.Add(1, new("from", "postgres"), new("to", "redis"));
                    LogSwitchedToRedis(_logger);
                    return;
                }
                catch (Exception e) when (e is RedisException or TimeoutException or NpgsqlException)
                {
                    // Still away (or the database is): keep serving from the database.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <summary>Deletes from Redis the sessions ended while it was away, a batch at a time, each note dropped once done.</summary>
    private async Task ApplyTombstonesAsync()
    {
        while (true)
        {
            var keys = new List<string>();
            await using (var select = _dataSource.CreateCommand($"SELECT key FROM sessions WHERE starts_with(key, '{Tombstone}') LIMIT 500"))
            await using (var reader = await select.ExecuteReaderAsync(_stopping.Token))
            {
                while (await reader.ReadAsync(_stopping.Token))
                {
                    keys.Add(reader.GetString(0));
                }
            }
            if (keys.Count == 0)
            {
                return;
            }
            await Redis.KeyDeleteAsync(keys.Select(k => K(k[Tombstone.Length..])).ToArray()).WaitAsync(_options.OperationTimeout, _time);
            await using var delete = _dataSource.CreateCommand("DELETE FROM sessions WHERE key = ANY($1)");
            delete.Parameters.Add(new() { Value = keys.ToArray() });
            await delete.ExecuteNonQueryAsync(_stopping.Token);
        }
    }

    private static RedisKey K(string key) => RedisPrefix + key;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session store switched from Redis to the database: {Reason}")]
    private static partial void LogSwitchedToDatabase(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session store switched back from the database to Redis")]
    private static partial void LogSwitchedToRedis(ILogger logger);
}
