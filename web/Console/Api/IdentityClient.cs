using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>identity: codes, cookie sessions, <c>/me</c>, OAuth providers.</summary>
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
}
