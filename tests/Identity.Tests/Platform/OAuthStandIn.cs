using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Identity.Tests;

/// <summary>
/// A stand-in OAuth 2.0 provider over real HTTP (Google cannot be reached from here): authorization endpoint
/// with PKCE (S256), token endpoint checking client, redirect URI and code verifier, and an OIDC userinfo endpoint.
/// "Consent" is immediate: /authorize redirects straight back with a code for <see cref="NextUser"/>.
/// </summary>
public sealed class OAuthStandIn : IAsyncDisposable
{
    public const string ClientId = "platform-client";
    public const string ClientSecret = "stand-in-secret";

    /// <param name="VerifiedAsString">Send <c>email_verified</c> as the string <c>"true"</c>/<c>"false"</c>, as some providers do.</param>
    public sealed record Account(string Subject, string Email, bool EmailVerified, bool VerifiedAsString = false);

    private sealed record Grant(string Challenge, string RedirectUri, Account User);

    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentDictionary<string, Account> _accessTokens = new();
    private readonly WebApplication _app;

    private OAuthStandIn(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Who the next authorization signs in as.</summary>
    public Account NextUser { get; set; } = new("nobody", "nobody@example.test", false);

    public static async Task<OAuthStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new OAuthStandIn(app);
        app.MapGet("/authorize", standIn.Authorize);
        app.MapPost("/token", standIn.TokenAsync);
        app.MapGet("/userinfo", standIn.UserInfo);
        await app.StartAsync();
        standIn.BaseAddress = new Uri(app.Urls.First());
        return standIn;
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        if (query["client_id"] != ClientId || query["response_type"] != "code" || query["code_challenge_method"] != "S256"
            || string.IsNullOrEmpty(query["code_challenge"]) || string.IsNullOrEmpty(query["state"]) || string.IsNullOrEmpty(query["redirect_uri"]))
        {
            return Results.BadRequest(new { error = "invalid_request" });
        }
        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = new Grant(query["code_challenge"]!, query["redirect_uri"]!, NextUser);
        return Results.Redirect(QueryHelpers.AddQueryString(query["redirect_uri"]!, new Dictionary<string, string?> { ["code"] = code, ["state"] = query["state"] }));
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: (int)HttpStatusCode.Unauthorized);
        }
        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant)
            || grant.RedirectUri != form["redirect_uri"]
            || grant.Challenge != Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))))
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: (int)HttpStatusCode.BadRequest);
        }
        var accessToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _accessTokens[accessToken] = grant.User;
        return Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = 3600 });
    }

    private IResult UserInfo(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _accessTokens.TryGetValue(authorization[7..], out var user)
            ? Results.Json(new { sub = user.Subject, email = user.Email, email_verified = user.VerifiedAsString ? (object)(user.EmailVerified ? "true" : "false") : user.EmailVerified })
            : Results.Unauthorized();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
