using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>users: the admin list of profiles, disable and enable; redeem code batches.</summary>
public sealed class UsersClient(HttpClient http, Session session, NavigationManager navigation)
    : ApiClient(http, session, navigation, "users")
{
    public Task<Paged<Profile>> ListAsync(int page, int pageSize, string? q, string? status) =>
        GetAsync<Paged<Profile>>("/api/users?" + Query(("page", page), ("pageSize", pageSize), ("q", q), ("status", status)));

    public Task<Profile> SetStatusAsync(Guid id, bool enabled) =>
        SendAsync<Profile>(HttpMethod.Post, $"/api/users/{id}/{(enabled ? "enable" : "disable")}", null);

    /// <summary>A batch of codes: the plain codes are in this answer only.</summary>
    public Task<CreatedCodes> CreateCodesAsync(CreateCodesRequest request) =>
        SendAsync<CreatedCodes>(HttpMethod.Post, "/api/users/redeem-codes", request);

    public Task<Paged<RedeemCode>> CodesAsync(int page, int pageSize, Guid? batchId, string? status) =>
        GetAsync<Paged<RedeemCode>>("/api/users/redeem-codes?" + Query(("page", page), ("pageSize", pageSize), ("batchId", batchId), ("status", status)));
}
