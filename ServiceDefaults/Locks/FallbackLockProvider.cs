using Medallion.Threading;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Platform.ServiceDefaults.Locks;

/// <summary>
/// Redis locks that fall back to PostgreSQL advisory locks (on the service's own database) when Redis cannot be
/// reached, so an outage never fails the work that takes them. The fallback is per acquisition: the next one tries
/// Redis again. While Redis is down no one can take its lock anew, and the one instance still holding a lock taken
/// before the outage is the only way two holders can meet; work whose correctness rests on a lock therefore keeps
/// a database constraint behind it (pool's live-job key), as the locks only spare the database most conflicts.
/// </summary>
public sealed partial class FallbackLockProvider(IDistributedLockProvider redis, IDistributedLockProvider postgres, ILogger<FallbackLockProvider> logger)
    : IDistributedLockProvider
{
    public IDistributedLock CreateLock(string name) => new FallbackLock(name, redis.CreateLock(name), postgres, logger);

    internal static bool IsRedisFailure(Exception e) => e is RedisException or TimeoutException;

    private sealed class FallbackLock(string name, IDistributedLock redis, IDistributedLockProvider postgres, ILogger logger) : IDistributedLock
    {
        public string Name => name;

        public IDistributedSynchronizationHandle? TryAcquire(TimeSpan timeout = default, CancellationToken cancellationToken = default)
        {
            try
            {
                return Released.Safely(redis.TryAcquire(timeout, cancellationToken));
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                LogFallback(logger, name, e.Message);
                return postgres.CreateLock(name).TryAcquire(timeout, cancellationToken);
            }
        }

        public IDistributedSynchronizationHandle Acquire(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        {
            try
            {
                return Released.Safely(redis.Acquire(timeout, cancellationToken))!;
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                LogFallback(logger, name, e.Message);
                return postgres.CreateLock(name).Acquire(timeout, cancellationToken);
            }
        }

        public async ValueTask<IDistributedSynchronizationHandle?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default)
        {
            try
            {
                return Released.Safely(await redis.TryAcquireAsync(timeout, cancellationToken));
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                LogFallback(logger, name, e.Message);
                return await postgres.CreateLock(name).TryAcquireAsync(timeout, cancellationToken);
            }
        }

        public async ValueTask<IDistributedSynchronizationHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        {
            try
            {
                return Released.Safely(await redis.AcquireAsync(timeout, cancellationToken))!;
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                LogFallback(logger, name, e.Message);
                return await postgres.CreateLock(name).AcquireAsync(timeout, cancellationToken);
            }
        }
    }

    /// <summary>A Redis lock's handle whose release cannot fail the work it guarded: with Redis gone, its lease runs out by itself.</summary>
    private sealed class Released(IDistributedSynchronizationHandle inner) : IDistributedSynchronizationHandle
    {
        public static IDistributedSynchronizationHandle? Safely(IDistributedSynchronizationHandle? handle) =>
            handle is null ? null : new Released(handle);

        public CancellationToken HandleLostToken => inner.HandleLostToken;

        public void Dispose()
        {
            try
            {
                inner.Dispose();
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                // Not released now; its lease ends it soon.
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync();
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                // Not released now; its lease ends it soon.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis lock {Name} could not be taken ({Reason}); took the PostgreSQL lock instead")]
    private static partial void LogFallback(ILogger logger, string name, string reason);
}
