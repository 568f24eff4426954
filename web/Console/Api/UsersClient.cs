using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>users: the admin list of profiles, disable and enable.</summary>
public sealed class UsersClient(HttpClient http, Session session, NavigationManager navigation)
    : ApiClient(http, session, navigation, "users")
{
    public Task<Paged<Profile>> ListAsync(int page, int pageSize, string? q, string? status) =>
        GetAsync<Paged<Profile>>("/api/users?" + Query(("page", page), ("pageSize", pageSize), ("q", q), ("status", status)));

    public Task<Profile> SetStatusAsync(Guid id, bool enabled) =>
        SendAsync<Profile>(HttpMethod.Post, $"/api/users/{id}/{(enabled ? "enable" : "disable")}", null);
}
