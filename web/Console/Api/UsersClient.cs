using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>users: one's own profile and redemptions; the admin list of profiles, disable and enable; redeem code batches.</summary>
public sealed class UsersClient(HttpClient http, Session session, NavigationManager navigation)
    : ApiClient(http, session, navigation, "users"), IJobQueue
{
    public Task<Profile> MyProfileAsync() => GetAsync<Profile>("/api/users/me");

    /// <summary>Changes only what the request names.</summary>
    public Task<Profile> UpdateMyProfileAsync(UpdateProfileRequest request) => SendAsync<Profile>(HttpMethod.Patch, "/api/users/me", request);

    public Task<Paged<Profile>> ListAsync(int page, int pageSize, string? q, string? status) =>
        GetAsync<Paged<Profile>>("/api/users?" + Query(("page", page), ("pageSize", pageSize), ("q", q), ("status", status)));

    public Task<Profile> SetStatusAsync(Guid id, bool enabled) =>
        SendAsync<Profile>(HttpMethod.Post, $"/api/users/{id}/{(enabled ? "enable" : "disable")}", null);

    /// <summary>A batch of codes: the plain codes are in this answer only.</summary>
    public Task<CreatedCodes> CreateCodesAsync(CreateCodesRequest request) =>
        SendAsync<CreatedCodes>(HttpMethod.Post, "/api/users/redeem-codes", request);

    public Task<Paged<RedeemCode>> CodesAsync(int page, int pageSize, Guid? batchId, string? status) =>
        GetAsync<Paged<RedeemCode>>("/api/users/redeem-codes?" + Query(("page", page), ("pageSize", pageSize), ("batchId", batchId), ("status", status)));

    /// <summary>Redeems a code for the signed-in person: pending until pool has allocated (or refused) a seat.</summary>
    public Task<Redemption> RedeemAsync(string code) => SendAsync<Redemption>(HttpMethod.Post, "/api/users/redemptions", new RedeemRequest(code));

    public Task<Redemption> RedemptionAsync(Guid id) => GetAsync<Redemption>($"/api/users/redemptions/{id}");

    public Task<Paged<Redemption>> MyRedemptionsAsync() => GetAsync<Paged<Redemption>>("/api/users/redemptions?page=1&pageSize=20");

    /// <summary>Disables or enables every user the filter matches now, as one job of the users queue.</summary>
    public Task<BulkStatusAccepted> BulkSetStatusAsync(BulkFilter filter, bool enabled) =>
        SendAsync<BulkStatusAccepted>(HttpMethod.Post, $"/api/users/bulk/{(enabled ? "enable" : "disable")}", new BulkStatusRequest(null, filter));

    public Task<Paged<Job>> JobsAsync(int page, int pageSize, string? type, string? status) =>
        GetAsync<Paged<Job>>("/api/users/jobs?" + Query(("page", page), ("pageSize", pageSize), ("type", type), ("status", status)));

    public Task<Job> JobAsync(Guid id) => GetAsync<Job>($"/api/users/jobs/{id}");

    public Task<Job> RetryJobAsync(Guid id) => SendAsync<Job>(HttpMethod.Post, $"/api/users/jobs/{id}/retry", null);
}
