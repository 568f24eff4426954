using System.Security.Claims;
using Identity.Api.Data;
using Identity.Api.SignIn;
using Identity.Api.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Http;

namespace Identity.Api.Sessions;

public static class SessionEndpoints
{
    public sealed record SessionResponse(string CsrfToken, DateTimeOffset ExpiresAt, SignedInUser User);

    public sealed record CsrfResponse(string CsrfToken);

    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder api)
    {
        api.MapPost("/sessions", CreateAsync).AllowAnonymous().WithTags("Sessions");
        api.MapDelete("/sessions/current", DeleteAsync).WithTags("Sessions");
        api.MapGet("/csrf", Csrf).AllowAnonymous().WithTags("Sessions");
        return api;
    }

    /// <summary>
    /// Signs in by code and sets the <c>sid</c> cookie, only for a page of a configured origin (login CSRF).
    /// Browsers send <c>Origin</c> on every POST, so a request without one is not from such a page; other
    /// clients sign in with <c>POST /sign-in</c> and a bearer token.
    /// </summary>
    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> CreateAsync(
        SignInRequest request, HttpContext http, CodeSignIn signIn, SessionService sessions, IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "origin_required",
                "Sessions are created only from a browser page of an allowed origin (the Origin header is missing); other clients use POST /api/identity/sign-in.");
        }
        if (!options.Value.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "origin_not_allowed", $"Sessions cannot be created from origin '{origin}'.");
        }

        var (response, problem) = await signIn.SignInAsync(request, http.ClientIp(), async (user, isNew, ct) =>
        {
            var session = await sessions.CreateAsync(user.Id, ct);
            SessionCookie.Set(http, session.SessionId, session.ExpiresAt);
            return new SessionResponse(session.CsrfToken, session.ExpiresAt, new SignedInUser(user.Id, user.Email, user.Phone, isNew));
        }, cancellationToken);
        return problem is null ? TypedResults.Ok(response!) : problem;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        ClaimsPrincipal principal, HttpContext http, IdentityDbContext db, TokenService tokens, SessionService sessions, TimeProvider time, CancellationToken cancellationToken)
    {
        if (principal.CredentialTypeOf() != InternalClaims.Types.Session)
        {
            return Problems.BadRequest("not_a_session", "This request was not made with a session cookie.");
        }
        await Revocation.RevokeCurrentAsync(principal, db, tokens, sessions, time, cancellationToken);
        SessionCookie.Clear(http);
        return TypedResults.NoContent();
    }

    private static Results<Ok<CsrfResponse>, ProblemHttpResult> Csrf(ClaimsPrincipal principal, SessionService sessions) =>
        principal.CredentialTypeOf() == InternalClaims.Types.Session && principal.CredentialIdOf() is { } id
            ? TypedResults.Ok(new CsrfResponse(sessions.CsrfToken(id)))
            : Problems.Create(StatusCodes.Status401Unauthorized, "unauthorized", "No session: sign in with POST /api/identity/sessions first.");
}
