using System.Collections.Concurrent;

namespace Gateway.Auth;

/// <summary>
/// Introspection answers, at most 30 s each. Concurrent misses for one credential share one introspection.
/// Revocations drop entries at once and leave a short tombstone, so an introspection already in flight when the
/// revocation arrived cannot put the stale answer back.
/// </summary>
public sealed class CallerCache(TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TombstoneAge = TimeSpan.FromSeconds(90);

    private readonly ConcurrentDictionary<string, Lazy<Task<Caller?>>> _entries = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revokedCredentials = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _droppedUsers = new();
    private readonly ConcurrentDictionary<string, Caller> _anonymous = new();
    private long _nextSweep;

    public int Count => _entries.Count + _anonymous.Count;

    /// <summary>
    /// The cached caller for a key, or the result of <paramref name="resolve"/> (null: not a valid credential). A
    /// current entry is returned without allocating; <paramref name="state"/> spares the caller a closure per request.
    /// </summary>
    public ValueTask<Caller?> GetOrResolveAsync<TState>(string key, Func<TState, Task<Caller?>> resolve, TState state)
    {
        SweepNow();
        if (_entries.TryGetValue(key, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully
            && lazy.Value.Result is { } cached && IsCurrent(cached))
        {
            return ValueTask.FromResult<Caller?>(cached);
        }
        return new(ResolveAsync(key, resolve, state));
    }

    /// <summary>The anonymous caller at an address, made again once it is older than <see cref="MaxAge"/>.</summary>
    public Caller GetOrAddAnonymous(string clientIp, Func<string, Caller> create)
    {
        SweepNow();
        if (_anonymous.TryGetValue(clientIp, out var caller) && time.GetUtcNow() < caller.CachedUntil)
        {
            return caller;
        }
        caller = create(clientIp);
        _anonymous[clientIp] = caller;
        return caller;
    }

    private async Task<Caller?> ResolveAsync<TState>(string key, Func<TState, Task<Caller?>> resolve, TState state)
    {
        // A second round only when the cached answer was stale; a fresh answer that is already stale is refused.
        for (var round = 0; round < 2; round++)
        {
            var lazy = _entries.GetOrAdd(key, static (_, arg) => new Lazy<Task<Caller?>>(() => arg.resolve(arg.state)), (resolve, state));
            Caller? caller;
            try
            {
                caller = await lazy.Value;
            }
            catch
            {
                _entries.TryRemove(new(key, lazy));
                throw;
            }
            if (caller is not null && IsCurrent(caller))
            {
                return caller;
            }
            // Refusals are not cached: a credential created a moment later must work at once.
            _entries.TryRemove(new(key, lazy));
            if (caller is null)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>A token, session or API key was revoked: forget it now.</summary>
    public void DropCredential(string credentialId)
    {
        _revokedCredentials[credentialId] = time.GetUtcNow();
        DropWhere(c => c.CredentialId == credentialId);
    }

    /// <summary>The user was disabled or their roles changed: forget every credential of theirs.</summary>
    public void DropUser(Guid userId)
    {
        _droppedUsers[userId] = time.GetUtcNow();
        DropWhere(c => c.UserId == userId);
    }

    private bool IsCurrent(Caller caller) =>
        time.GetUtcNow() < caller.CachedUntil
        && !(caller.CredentialId is { } credential && _revokedCredentials.TryGetValue(credential, out var revokedAt) && caller.ResolvedAt <= revokedAt)
        && !(caller.UserId is { } user && _droppedUsers.TryGetValue(user, out var droppedAt) && caller.ResolvedAt <= droppedAt);

    private void DropWhere(Func<Caller, bool> match)
    {
        foreach (var (key, lazy) in _entries)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && lazy.Value.Result is { } caller && match(caller))
            {
                _entries.TryRemove(new(key, lazy));
            }
        }
    }

    // Expired entries and old tombstones go at most once a second, on the request path (no timer to manage).
    private void SweepNow()
    {
        var now = time.GetUtcNow();
        var next = Interlocked.Read(ref _nextSweep);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextSweep, now.AddSeconds(1).UtcTicks, next) != next)
        {
            return;
        }
        foreach (var (key, lazy) in _entries)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && lazy.Value.Result is { } caller && caller.CachedUntil <= now)
            {
                _entries.TryRemove(new(key, lazy));
            }
        }
        foreach (var (key, caller) in _anonymous)
        {
            if (caller.CachedUntil <= now) _anonymous.TryRemove(new(key, caller));
        }
        foreach (var (key, at) in _revokedCredentials)
        {
            if (now - at > TombstoneAge) _revokedCredentials.TryRemove(key, out _);
        }
        foreach (var (key, at) in _droppedUsers)
        {
            if (now - at > TombstoneAge) _droppedUsers.TryRemove(key, out _);
        }
    }
}
