using System.Security.Claims;
using Identity.Api.Data;
using Identity.Api.Grants;
using Identity.Api.Sessions;
using Identity.Api.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Identity;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Messaging;

namespace Identity.Api.SignIn;

public static class SignInEndpoints
{
    public sealed record SignInResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, SignedInUser User);

    /// <summary>
    /// Who is signed in, with what a client such as the web console needs to decide what to offer: the roles
    /// (<c>admin</c> may do everything) and the grants as <c>resource:access</c> (<c>pool.groups:write</c>).
    /// </summary>
    public sealed record MeResponse(Guid Id, string? Email, string? Phone, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions,
        DateTimeOffset CreatedAt);

    public static RouteGroupBuilder MapSignIn(this RouteGroupBuilder api)
    {
        api.MapPost("/sign-in", SignInAsync).AllowAnonymous().WithTags("Sign-in");
        api.MapGet("/me", MeAsync).WithTags("Sign-in");
        api.MapPost("/sign-out", SignOutAsync).WithTags("Sign-in");
        return api;
    }

    private static async Task<Results<Ok<SignInResponse>, ProblemHttpResult>> SignInAsync(
        SignInRequest request, HttpContext http, CodeSignIn signIn, TokenService tokens, CancellationToken cancellationToken)
    {
        var (response, problem) = await signIn.SignInAsync(request, http.ClientIp(), (user, isNew, _) =>
        {
            var token = tokens.Issue(user.Id, http.Request.Headers.UserAgent.ToString());
            return Task.FromResult(new SignInResponse(token.AccessToken, "Bearer", token.ExpiresAt, new SignedInUser(user.Id, user.Email, user.Phone, isNew)));
        }, cancellationToken);
        return problem is null ? TypedResults.Ok(response!) : problem;
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> MeAsync(
        ClaimsPrincipal principal, IdentityDbContext db, EffectivePermissions permissions, CancellationToken cancellationToken) =>
        await db.Users.FindAsync([principal.RequiredUserId()], cancellationToken) is { } user
            ? TypedResults.Ok(new MeResponse(user.Id, user.Email, user.Phone, user.Roles, await permissions.OfAsync(user, cancellationToken), user.CreatedAt))
            : Problems.Create(StatusCodes.Status401Unauthorized, "unauthorized", "The signed-in user no longer exists.");

    /// <summary>Ends the credential this request came with (token or session), everywhere.</summary>
    private static async Task<NoContent> SignOutAsync(
        ClaimsPrincipal principal, HttpContext http, IdentityDbContext db, TokenService tokens, SessionService sessions, TimeProvider time, CancellationToken cancellationToken)
    {
        await Revocation.RevokeCurrentAsync(principal, db, tokens, sessions, time, cancellationToken);
        if (principal.CredentialTypeOf() == InternalClaims.Types.Session)
        {
            SessionCookie.Clear(http);
        }
        return TypedResults.NoContent();
    }
}

/// <summary>Revokes the caller's own credential and announces it, so every gateway drops it at once.</summary>
public static class Revocation
{
    public static Task RevokeCurrentAsync(
        ClaimsPrincipal principal, IdentityDbContext db, TokenService tokens, SessionService sessions, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = principal.RequiredUserId();
        var type = principal.CredentialTypeOf();
        var id = principal.CredentialIdOf();
        return db.InTransactionAsync(async ct =>
        {
            var revoked = type switch
            {
                InternalClaims.Types.Token when Guid.TryParse(id, out var tokenId) => await tokens.RevokeAsync(tokenId, ct),
                InternalClaims.Types.Session when id is not null => await sessions.RevokeAsync(id, ct),
                _ => false,
            };
            if (revoked)
            {
                db.AddEvent(new TokenRevoked(userId, type!, id!, time.GetUtcNow()));
                await db.SaveChangesAsync(ct);
            }
        }, cancellationToken);
    }
}
