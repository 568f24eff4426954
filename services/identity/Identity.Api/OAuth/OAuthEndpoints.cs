using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Identity.Api.Accounts;
using Identity.Api.Data;
using Identity.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts.Identity;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Messaging;
using Platform.ServiceDefaults.Sessions;

namespace Identity.Api.OAuth;

/// <summary>
/// OAuth 2.0 authorization code with PKCE. The state (with the PKCE verifier and where to go afterwards) lives
/// server-side (Identity:Limits:OAuthStateSeconds, 600 s) and is taken once, and only by the browser that started the
/// sign-in (<see cref="OAuthBindingCookie"/>); the callback signs in with a session cookie and redirects to a
/// relative path, so no token ever travels in a URL.
/// </summary>
public static class OAuthEndpoints
{
    private sealed record PendingState(string Provider, string CodeVerifier, string ReturnTo, string? Language);

    public sealed record ProviderResponse(string Name, string AuthorizeUrl);

    public static RouteGroupBuilder MapOAuth(this RouteGroupBuilder api)
    {
        api.MapGet("/oauth/providers", ListProviders).AllowAnonymous().WithTags("OAuth");
        var oauth = api.MapGroup("/oauth/{provider}").AllowAnonymous().WithTags("OAuth");
        oauth.MapGet("/authorize", AuthorizeAsync);
        oauth.MapGet("/callback", CallbackAsync);
        return api;
    }

    /// <summary>The providers a sign-in page can offer.</summary>
    private static Ok<List<ProviderResponse>> ListProviders(IOptions<OAuthOptions> options) =>
        TypedResults.Ok(options.Value.Providers.Keys.Where(name => options.Value.Find(name) is not null).Order()
            .Select(name => new ProviderResponse(name.ToLowerInvariant(), $"/api/identity/oauth/{name.ToLowerInvariant()}/authorize")).ToList());

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> AuthorizeAsync(
        string provider, string? returnTo, string? lang, HttpContext http, IOptions<OAuthOptions> options, IOptions<IdentityLimits> limits,
        ISessionStore store, CancellationToken cancellationToken)
    {
        if (options.Value.Find(provider) is not { } settings)
        {
            return Problems.NotFound($"OAuth provider '{provider}' is not configured.");
        }
        returnTo = string.IsNullOrEmpty(returnTo) ? "/" : returnTo;
        if (!IsRelativePath(returnTo))
        {
            return Problems.BadRequest("invalid_return_to", "returnTo must be a relative path such as /console.");
        }

        var state = IdentitySecrets.NewSecret();
        var verifier = IdentitySecrets.NewSecret();
        var pending = new PendingState(provider.ToLowerInvariant(), verifier, returnTo, lang is { Length: <= 16 } ? lang : null);
        await store.SetAsync(StateKey(state), JsonSerializer.Serialize(pending), limits.Value.OAuthStateLifetime, cancellationToken);
        OAuthBindingCookie.Set(http, state, limits.Value.OAuthStateLifetime);

        var challenge = IdentitySecrets.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var location = QueryHelpers.AddQueryString(settings.AuthorizationEndpoint!, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = settings.ClientId,
            ["redirect_uri"] = RedirectUri(http, options.Value, provider),
            ["scope"] = settings.Scopes,
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });
        return TypedResults.Redirect(location);
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> CallbackAsync(
        string provider, string? code, string? state, string? error, HttpContext http, IOptions<OAuthOptions> options, ISessionStore store,
        OAuthClient client, IdentityDbContext db, UserAccounts accounts, SessionService sessions, TimeProvider time, CancellationToken cancellationToken)
    {
        if (options.Value.Find(provider) is not { } settings)
        {
            return Problems.NotFound($"OAuth provider '{provider}' is not configured.");
        }
        if (string.IsNullOrEmpty(state) || state.Length > 100)
        {
            return Problems.BadRequest("invalid_state", "The sign-in attempt is unknown, expired or already used; start again.");
        }
        // A state is good only in the browser that started it: a callback link opened anywhere else is refused.
        if (!OAuthBindingCookie.Matches(http, state))
        {
            return Problems.BadRequest("state_not_bound", "This sign-in was started in another browser (or its cookie expired); start again here.");
        }
        // Taking the state first makes it single-use even when the rest of the callback fails.
        var pending = await store.TakeAsync(StateKey(state), cancellationToken) is { } json ? JsonSerializer.Deserialize<PendingState>(json) : null;
        if (pending is null || !pending.Provider.Equals(provider, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.BadRequest("invalid_state", "The sign-in attempt is unknown, expired or already used; start again.");
        }
        if (!string.IsNullOrEmpty(error) || string.IsNullOrEmpty(code))
        {
            return Problems.BadRequest("oauth_denied", "The provider did not authorize the sign-in.");
        }

        var external = await client.ExchangeAsync(settings, code, RedirectUri(http, options.Value, provider), pending.CodeVerifier, cancellationToken);
        if (external is not { Subject.Length: > 0 })
        {
            return Problems.BadRequest("oauth_exchange_failed", "The provider refused the authorization code.");
        }

        // One transaction, with the user's row locked: a concurrent UserDisabled cannot miss the new session.
        var session = await db.InTransactionAsync(async ct =>
        {
            var user = await LinkAsync(pending.Provider, external, db, accounts, time, ct);
            return user.IsActive ? await sessions.CreateAsync(user.Id, ct) : null;
        }, cancellationToken);
        if (session is null)
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "user_disabled", "This account is disabled.");
        }
        SessionCookie.Set(http, session.SessionId, session.ExpiresAt);
        return TypedResults.Redirect(pending.ReturnTo);
    }

    /// <summary>
    /// The user of a provider account: the one linked before, else an existing user with the same email only when
    /// the provider verified it, else a new user (with the email only when verified). Call inside a transaction.
    /// </summary>
    private static async Task<User> LinkAsync(string provider, OAuthClient.UserInfo external, IdentityDbContext db, UserAccounts accounts, TimeProvider time, CancellationToken ct)
    {
        var login = await db.ExternalLogins.FirstOrDefaultAsync(l => l.Provider == provider && l.Subject == external.Subject, ct);
        if (login is not null && await accounts.FindLockedAsync(login.UserId, ct) is { } linked)
        {
            return linked;
        }

        var verifiedEmail = external.EmailVerified && external.Email is { Length: > 0 and <= 254 } email ? email.Trim().ToLowerInvariant() : null;
        User user;
        if (verifiedEmail is not null)
        {
            (user, _) = await accounts.FindOrCreateAsync(Codes.Channel.Email, verifiedEmail, ct);
        }
        else
        {
            user = new User { Id = Guid.CreateVersion7(), CreatedAt = time.GetUtcNow(), LastSignInAt = time.GetUtcNow() };
            db.Users.Add(user);
            db.AddEvent(new UserRegistered(user.Id, null, null, user.CreatedAt));
        }
        db.ExternalLogins.Add(new ExternalLogin { Provider = provider, Subject = external.Subject!, UserId = user.Id, Email = verifiedEmail, CreatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Relative paths only: no scheme, no host, no protocol-relative <c>//host</c> or <c>/\host</c>.</summary>
    public static bool IsRelativePath(string value) =>
        value.Length <= 2000 && value.StartsWith('/') && !value.StartsWith("//", StringComparison.Ordinal) && !value.StartsWith("/\\", StringComparison.Ordinal)
        && !value.Any(char.IsControl) && Uri.IsWellFormedUriString(value, UriKind.Relative);

    private static string RedirectUri(HttpContext http, OAuthOptions options, string provider)
    {
        var baseUrl = options.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{http.Request.Scheme}://{http.Request.Host}";
        return $"{baseUrl}/api/identity/oauth/{provider.ToLowerInvariant()}/callback";
    }

    private static string StateKey(string state) => "oauth-state:" + IdentitySecrets.Hash(state);
}
