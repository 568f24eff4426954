using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>What pages of other domains may read from pool (and nothing they could write with).</summary>
public interface IPoolReader
{
    Task<Paged<PoolGroup>> GroupsAsync(int page = 1, int pageSize = 200);
}

/// <summary>pool: groups and their sync, mothers, the pool job queue.</summary>
public sealed class PoolClient(HttpClient http, Session session, NavigationManager navigation)
    : ApiClient(http, session, navigation, "pool"), IPoolReader, IJobQueue
{
    public Task<Paged<PoolGroup>> GroupsAsync(int page = 1, int pageSize = 200) =>
        GetAsync<Paged<PoolGroup>>("/api/pool/pool-groups?" + Query(("page", page), ("pageSize", pageSize)));

    public Task<PoolGroup> CreateGroupAsync(PoolGroupRequest request) =>
        SendAsync<PoolGroup>(HttpMethod.Post, "/api/pool/pool-groups", request);

    public Task<SyncResult> SyncGroupAsync(Guid id) =>
        SendAsync<SyncResult>(HttpMethod.Post, $"/api/pool/pool-groups/{id}/sync", new { });

    public Task<Paged<Mother>> MothersAsync(int page, int pageSize) =>
        GetAsync<Paged<Mother>>("/api/pool/mothers?" + Query(("page", page), ("pageSize", pageSize)));

    public Task<Mother> CreateMotherAsync(CreateMotherRequest request) =>
        SendAsync<Mother>(HttpMethod.Post, "/api/pool/mothers", request);

    public Task<Mother> MotherAsync(Guid id) => GetAsync<Mother>($"/api/pool/mothers/{id}");

    /// <summary>Changes only what the request names (a new token is checked upstream first).</summary>
    public Task<Mother> UpdateMotherAsync(Guid id, UpdateMotherRequest request) =>
        SendAsync<Mother>(HttpMethod.Patch, $"/api/pool/mothers/{id}", request);

    public Task<Seats> SeatsAsync(Guid id) => GetAsync<Seats>($"/api/pool/mothers/{id}/seats");

    public Task<Paged<Job>> JobsAsync(int page, int pageSize, string? type, string? status) =>
        GetAsync<Paged<Job>>("/api/pool/jobs?" + Query(("page", page), ("pageSize", pageSize), ("type", type), ("status", status)));

    public Task<Job> JobAsync(Guid id) => GetAsync<Job>($"/api/pool/jobs/{id}");

    public Task<Job> RetryJobAsync(Guid id) => SendAsync<Job>(HttpMethod.Post, $"/api/pool/jobs/{id}/retry", null);
}
