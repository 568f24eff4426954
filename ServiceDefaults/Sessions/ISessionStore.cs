namespace Platform.ServiceDefaults.Sessions;

/// <summary>
/// Server-side sessions and OAuth state. A TTL of null or zero means "no expiry" in every back-end.
/// Back-ends: PostgreSQL (the default: survives restarts and Redis outages), Redis, memory (tests).
/// </summary>
public interface ISessionStore
{
    Task<string?> GetAsync(string key, CancellationToken cancellationToken = default);

    Task SetAsync(string key, string value, TimeSpan? ttl = null, CancellationToken cancellationToken = default);

    /// <summary>True when the key existed (and was live).</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads and deletes in one step: of concurrent callers at most one gets the value. OAuth state is valid only
    /// when this returns it.
    /// </summary>
    Task<string?> TakeAsync(string key, CancellationToken cancellationToken = default);
}
