using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>users: the admin list of profiles, disable and enable; redeem code batches; one's own redemptions.</summary>
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

    /// <summary>Redeems a code for the signed-in person: pending until pool has allocated (or refused) a seat.</summary>
    public Task<Redemption> RedeemAsync(string code) => SendAsync<Redemption>(HttpMethod.Post, "/api/users/redemptions", new RedeemRequest(code));

    public Task<Redemption> RedemptionAsync(Guid id) => GetAsync<Redemption>($"/api/users/redemptions/{id}");

    public Task<Paged<Redemption>> MyRedemptionsAsync() => GetAsync<Paged<Redemption>>("/api/users/redemptions?page=1&pageSize=20");
}
