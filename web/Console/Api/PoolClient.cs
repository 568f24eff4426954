using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>What pages of other domains may read from pool (and nothing they could write with).</summary>
public interface IPoolReader
{
    Task<Paged<PoolGroup>> GroupsAsync(int page = 1, int pageSize = 200);
}

/// <summary>pool: groups and their sync, mothers, the pool job queue, the relay's strategy and usage.</summary>
public sealed class PoolClient(HttpClient http, Session session, NavigationManager navigation)
    : ApiClient(http, session, navigation, "pool"), IPoolReader, IJobQueue
{
    public Task<Paged<PoolGroup>> GroupsAsync(int page = 1, int pageSize = 200) =>
        GetAsync<Paged<PoolGroup>>("/api/pool/pool-groups?" + Query(("page", page), ("pageSize", pageSize)));

    public Task<PoolGroup> CreateGroupAsync(PoolGroupRequest request) =>
        SendAsync<PoolGroup>(HttpMethod.Post, "/api/pool/pool-groups", request);

    /// <summary>Changes only what the request names.</summary>
    public Task<PoolGroup> UpdateGroupAsync(Guid id, PoolGroupRequest request) =>
        SendAsync<PoolGroup>(HttpMethod.Patch, $"/api/pool/pool-groups/{id}", request);

    public Task<SyncResult> SyncGroupAsync(Guid id) =>
        SendAsync<SyncResult>(HttpMethod.Post, $"/api/pool/pool-groups/{id}/sync", new { });

    public Task<Paged<Mother>> MothersAsync(int page, int pageSize) =>
        GetAsync<Paged<Mother>>("/api/pool/mothers?" + Query(("page", page), ("pageSize", pageSize)));

    public Task<Mother> CreateMotherAsync(CreateMotherRequest request) =>
        SendAsync<Mother>(HttpMethod.Post, "/api/pool/mothers", request);

    /// <summary>Many mothers from lines of <c>name,email,access token</c>, added by one job of the pool queue.</summary>
    public Task<BulkAddAccepted> BulkAddMothersAsync(BulkAddMothersRequest request) =>
        SendAsync<BulkAddAccepted>(HttpMethod.Post, "/api/pool/mothers/bulk", request);

    public Task<Mother> MotherAsync(Guid id) => GetAsync<Mother>($"/api/pool/mothers/{id}");

    /// <summary>Changes only what the request names (a new token is checked upstream first).</summary>
    public Task<Mother> UpdateMotherAsync(Guid id, UpdateMotherRequest request) =>
        SendAsync<Mother>(HttpMethod.Patch, $"/api/pool/mothers/{id}", request);

    public Task<Seats> SeatsAsync(Guid id) => GetAsync<Seats>($"/api/pool/mothers/{id}/seats");

    public Task<Paged<Job>> JobsAsync(int page, int pageSize, string? type, string? status) =>
        GetAsync<Paged<Job>>("/api/pool/jobs?" + Query(("page", page), ("pageSize", pageSize), ("type", type), ("status", status)));

    public Task<Job> JobAsync(Guid id) => GetAsync<Job>($"/api/pool/jobs/{id}");

    public Task<Job> RetryJobAsync(Guid id) => SendAsync<Job>(HttpMethod.Post, $"/api/pool/jobs/{id}/retry", null);

    public Task<RelaySettings> RelaySettingsAsync() => GetAsync<RelaySettings>("/api/pool/relay/settings");

    /// <summary>Switches every instance's strategy at once; null goes back to the configured one.</summary>
    public Task<RelaySettings> SetStrategyAsync(string? strategy) =>
        SendAsync<RelaySettings>(HttpMethod.Put, "/api/pool/relay/settings", new RelaySettingsRequest(strategy));

    /// <param name="by">key, account or model.</param>
    /// <param name="period">minute, hour, day or month.</param>
    public Task<Usage> UsageAsync(string by, string period, DateTimeOffset? from, DateTimeOffset? to) =>
        GetAsync<Usage>("/api/pool/relay/usage?" + Query(("by", by), ("period", period), ("from", from?.ToString("o")), ("to", to?.ToString("o"))));

    public Task<RealtimeUsage> RealtimeAsync(int minutes) => GetAsync<RealtimeUsage>("/api/pool/relay/realtime?" + Query(("minutes", minutes)));

    /// <summary>The signed-in person's own usage, over their own keys (by key or model).</summary>
    public Task<Usage> MyUsageAsync(string by, string period) =>
        GetAsync<Usage>("/api/pool/relay/usage/mine?" + Query(("by", by), ("period", period)));
}
