using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Identity.Tests.OAuth;

/// <summary>OAuth 2.0 authorization code with PKCE against a stand-in provider speaking the protocol over HTTP.</summary>
public abstract class OAuthTests(Stack stack, OAuthStandIn provider)
{
    private const string OAuthBindingCookieName = "oauth_binding";

    [Fact]
    public async Task The_callback_sets_a_session_cookie_and_redirects_to_the_relative_return_path_with_no_token_in_any_url()
    {
        var cookies = new CookieContainer();
        using var client = stack.Client(cookies: cookies);
        var email = IdentityApi.NewEmail();
        provider.NextUser = new(Guid.NewGuid().ToString("N"), email, EmailVerified: true);

        var (authorizeUrl, callbackUrl) = await AuthorizeAsync(client, "/console?tab=keys");
        var query = QueryHelpers.ParseQuery(authorizeUrl.Query);
        Assert.Equal("S256", query["code_challenge_method"]);
        // The start bound the attempt to this browser: an HttpOnly, SameSite=Lax cookie naming (a hash of) its state.
        var binding = cookies.GetCookies(new Uri(stack.GatewayA, "/api/identity/oauth/"))[OAuthBindingCookieName];
        Assert.NotNull(binding);
        Assert.True(binding.HttpOnly);
        Assert.DoesNotContain(query["state"].ToString(), binding.Value);
        Assert.True(query["state"].ToString().Length >= 22, "state must carry at least 16 random bytes");

        using var callback = await client.GetAsync(callbackUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/console?tab=keys", callback.Headers.Location?.OriginalString);
        Assert.NotNull(cookies.GetCookies(stack.GatewayA)["sid"]);
        foreach (var url in new[] { authorizeUrl.ToString(), callbackUrl.ToString(), callback.Headers.Location!.OriginalString })
        {
            Assert.DoesNotContain("access_token", url);
            Assert.DoesNotContain(cookies.GetCookies(stack.GatewayA)["sid"]!.Value, url);
        }

        var me = await client.GetFromJsonAsync<JsonElement>("/api/identity/me");
        Assert.Equal(email, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_state_works_once()
    {
        using var client = stack.Client(cookies: new CookieContainer());
        provider.NextUser = new(Guid.NewGuid().ToString("N"), IdentityApi.NewEmail(), true);
        var (_, callbackUrl) = await AuthorizeAsync(client, "/");
        using (var first = await client.GetAsync(callbackUrl.PathAndQuery)) Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        using var replay = await client.GetAsync(callbackUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_state", await replay.ProblemCodeAsync());

        using var unknown = await client.GetAsync("/api/identity/oauth/standin/callback?code=abc&state=never-issued");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("state_not_bound", await unknown.ProblemCodeAsync());
    }

    [Fact]
    public async Task A_callback_link_opened_in_another_browser_signs_no_one_in_and_leaves_the_attempt_to_its_own_browser()
    {
        // Login CSRF: the attacker starts a sign-in with their own provider account and sends the victim the callback link.
        var attackerCookies = new CookieContainer();
        using var attacker = stack.Client(cookies: attackerCookies);
        provider.NextUser = new(Guid.NewGuid().ToString("N"), IdentityApi.NewEmail(), true);
        var (_, callbackUrl) = await AuthorizeAsync(attacker, "/");

        var victimCookies = new CookieContainer();
        using var victim = stack.Client(cookies: victimCookies);
        using var refused = await victim.GetAsync(callbackUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("state_not_bound", await refused.ProblemCodeAsync());
        Assert.Null(victimCookies.GetCookies(stack.GatewayA)["sid"]);

        // Someone else's binding cookie does not fit either: it names another state.
        var otherCookies = new CookieContainer();
        using var other = stack.Client(cookies: otherCookies);
        await AuthorizeAsync(other, "/");
        using (var mismatched = await other.GetAsync(callbackUrl.PathAndQuery))
        {
            Assert.Equal("state_not_bound", await mismatched.ProblemCodeAsync());
        }

        // The refusals did not use the state up: in the browser that started it, the sign-in completes.
        using var own = await attacker.GetAsync(callbackUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.NotNull(attackerCookies.GetCookies(stack.GatewayA)["sid"]);
    }

    [Fact]
    public async Task An_email_verified_sent_as_a_string_is_read_as_verified_and_links_the_existing_account()
    {
        using var client = stack.Client();
        var email = IdentityApi.NewEmail();
        var existing = await client.SignInNewAsync(email);

        provider.NextUser = new(Guid.NewGuid().ToString("N"), email, EmailVerified: true, VerifiedAsString: true);
        Assert.Equal(existing.UserId, await SignInWithProviderAsync());

        provider.NextUser = new(Guid.NewGuid().ToString("N"), email, EmailVerified: false, VerifiedAsString: true);
        Assert.NotEqual(existing.UserId, await SignInWithProviderAsync());
    }

    [Fact]
    public async Task A_code_issued_for_another_attempt_fails_the_pkce_check()
    {
        using var client = stack.Client(cookies: new CookieContainer());
        provider.NextUser = new(Guid.NewGuid().ToString("N"), IdentityApi.NewEmail(), true);
        var (_, victim) = await AuthorizeAsync(client, "/");
        var (_, attacker) = await AuthorizeAsync(client, "/");

        // The victim's code with the attacker's state: identity sends the attacker's verifier, which does not match.
        var code = QueryHelpers.ParseQuery(victim.Query)["code"];
        var state = QueryHelpers.ParseQuery(attacker.Query)["state"];
        // The browser holds the binding of its latest attempt, the attacker's.
        using var injected = await client.GetAsync($"/api/identity/oauth/standin/callback?code={code}&state={state}");
        Assert.Equal(HttpStatusCode.BadRequest, injected.StatusCode);
        Assert.Equal("oauth_exchange_failed", await injected.ProblemCodeAsync());
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/path")]
    [InlineData("/\\evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task Only_relative_return_paths_are_accepted(string returnTo)
    {
        using var client = stack.Client();
        using var response = await client.GetAsync($"/api/identity/oauth/standin/authorize?returnTo={Uri.EscapeDataString(returnTo)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_return_to", await response.ProblemCodeAsync());
    }

    [Fact]
    public async Task An_existing_account_is_linked_only_on_a_verified_email()
    {
        using var client = stack.Client();
        var email = IdentityApi.NewEmail();
        var existing = await client.SignInNewAsync(email);

        provider.NextUser = new(Guid.NewGuid().ToString("N"), email, EmailVerified: false);
        Assert.NotEqual(existing.UserId, await SignInWithProviderAsync());

        provider.NextUser = new(Guid.NewGuid().ToString("N"), email, EmailVerified: true);
        Assert.Equal(existing.UserId, await SignInWithProviderAsync());
    }

    [Fact]
    public async Task An_unknown_provider_is_404_and_the_configured_ones_are_listed()
    {
        using var client = stack.Client();
        var providers = await client.GetFromJsonAsync<JsonElement>("/api/identity/oauth/providers");
        Assert.Equal(["standin"], providers.EnumerateArray().Select(p => p.GetProperty("name").GetString()));

        using var response = await client.GetAsync("/api/identity/oauth/nowhere/authorize");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<Guid> SignInWithProviderAsync()
    {
        var cookies = new CookieContainer();
        using var client = stack.Client(cookies: cookies);
        var (_, callbackUrl) = await AuthorizeAsync(client, "/");
        (await client.GetAsync(callbackUrl.PathAndQuery)).Dispose();
        return (await client.GetFromJsonAsync<JsonElement>("/api/identity/me")).GetProperty("id").GetGuid();
    }

    /// <summary>Starts the flow at the gateway and lets the provider "consent": the URL identity redirected to, and the callback URL.</summary>
    private static async Task<(Uri Authorize, Uri Callback)> AuthorizeAsync(HttpClient client, string returnTo)
    {
        using var start = await client.GetAsync($"/api/identity/oauth/standin/authorize?returnTo={Uri.EscapeDataString(returnTo)}");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        using var providerClient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await providerClient.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        return (authorize, consent.Headers.Location!);
    }

    [Collection(PlatformCollection.Name)]
    public sealed class WithRedis(IdentityPlatform platform) : OAuthTests(platform.WithRedis, platform.OAuth);

    [Collection(PlatformCollection.Name)]
    public sealed class WithoutRedis(IdentityPlatform platform) : OAuthTests(platform.WithoutRedis, platform.OAuth);
}
