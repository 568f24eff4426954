using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>identity: codes, cookie sessions, <c>/me</c>, OAuth providers, one's own API keys; grants and bans for administrators.</summary>
public sealed class IdentityClient(HttpClient http, Session session, NavigationManager navigation)
    : ApiClient(http, session, navigation, "identity")
{
    public Task<CodeSent> SendCodeAsync(string channel, string target) =>
        SendAsync<CodeSent>(HttpMethod.Post, "/api/identity/codes", new SendCodeRequest(channel, target));

    /// <summary>Signs in by code with a cookie session (the gateway's origin is allowed), then reads who that is.</summary>
    public async Task<Me> SignInAsync(string channel, string target, string code)
    {
        var created = await SendAsync<SessionCreated>(HttpMethod.Post, "/api/identity/sessions", new SignInRequest(channel, target, code));
        var me = await GetAsync<Me>("/api/identity/me");
        Session.SignedIn(me, created.CsrfToken);
        return me;
    }

    /// <summary>Who the cookie (if any) belongs to; null when nobody is signed in.</summary>
    public async Task<Me?> LoadAsync()
    {
        try
        {
            var me = await GetAsync<Me>("/api/identity/me");
            Session.SignedIn(me, null);
            return me;
        }
        catch (ApiException e) when (e.Problem.Status == 401)
        {
            Session.SignedOut();
            return null;
        }
    }

    public async Task SignOutAsync()
    {
        await SendAsync(HttpMethod.Post, "/api/identity/sign-out");
        Session.SignedOut();
    }

    public Task<List<OAuthProvider>> ProvidersAsync() => GetAsync<List<OAuthProvider>>("/api/identity/oauth/providers");

    public Task<List<ApiKey>> ApiKeysAsync() => GetAsync<List<ApiKey>>("/api/identity/api-keys");

    /// <summary>A new key: the raw key is in this answer only.</summary>
    public Task<CreatedApiKey> CreateApiKeyAsync(CreateApiKeyRequest request) =>
        SendAsync<CreatedApiKey>(HttpMethod.Post, "/api/identity/api-keys", request);

    public Task RevokeApiKeyAsync(Guid id) => SendAsync(HttpMethod.Delete, $"/api/identity/api-keys/{id}");

    public Task<Paged<Account>> AccountsAsync(int page, int pageSize) =>
        GetAsync<Paged<Account>>("/api/identity/admin/users?" + Query(("page", page), ("pageSize", pageSize)));

    /// <summary>The resources a grant can name.</summary>
    public Task<List<GrantResource>> GrantResourcesAsync() => GetAsync<List<GrantResource>>("/api/identity/admin/permissions");

    public Task<UserGrants> GrantsAsync(Guid userId) => GetAsync<UserGrants>($"/api/identity/admin/users/{userId}/permissions");

    public Task<Grant> GrantAsync(Guid userId, string resource, string access) =>
        SendAsync<Grant>(HttpMethod.Put, $"/api/identity/admin/users/{userId}/permissions/{Uri.EscapeDataString(resource)}", new GrantRequest(access));

    public Task RevokeGrantAsync(Guid userId, string resource) =>
        SendAsync(HttpMethod.Delete, $"/api/identity/admin/users/{userId}/permissions/{Uri.EscapeDataString(resource)}");

    /// <summary>Bans in force (not lifted, not yet over).</summary>
    public Task<List<Ban>> BansAsync() => GetAsync<List<Ban>>("/api/identity/admin/bans");

    public Task<Ban> BanAsync(BanRequest request) => SendAsync<Ban>(HttpMethod.Post, "/api/identity/admin/bans", request);

    public Task LiftBanAsync(long id) => SendAsync(HttpMethod.Delete, $"/api/identity/admin/bans/{id}");

    /// <summary>identity's audit log, newest first.</summary>
    public Task<Paged<AuditEntry>> AuditAsync(int page, int pageSize, string? action, string? entityId) =>
        GetAsync<Paged<AuditEntry>>("/api/identity/admin/audit?" + Query(("page", page), ("pageSize", pageSize), ("action", action), ("entityId", entityId)));
}
