using Platform.ServiceDefaults.Caching;

namespace Platform.ServiceDefaults.Sessions;

/// <summary>Sessions in process memory: for tests only, lost on restart.</summary>
public sealed class MemorySessionStore(TimeProvider time) : ISessionStore, IDisposable
{
    private readonly MemoryCacheProvider _entries = new(new CacheOptions { KeyPrefix = "session:" }, time);

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) => await _entries.GetAsync(key);

    public async Task SetAsync(string key, string value, TimeSpan? ttl = null, CancellationToken cancellationToken = default) =>
        await _entries.SetAsync(key, value, ttl is { } t && t > TimeSpan.Zero ? t : null);

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => await _entries.DeleteAsync(key) == 1;

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => await _entries.GetAsync(key) is not null;

    public async Task<string?> TakeAsync(string key, CancellationToken cancellationToken = default) => await _entries.TakeAsync(key);

    public void Dispose() => _entries.Dispose();
}
