using Identity.Api.Accounts;
using Identity.Api.ApiKeys;
using Identity.Api.Data;
using Identity.Api.Grants;
using Identity.Api.Sessions;
using Identity.Api.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Http;

namespace Identity.Api.Introspection;

/// <summary>
/// <c>POST /internal/introspect</c>: the gateway's only way to learn who a credential belongs to. Not routed by
/// the gateway, and only callable with the gateway's own service token.
/// </summary>
public static class IntrospectionEndpoints
{
    public sealed record IntrospectRequest(string? Type, string? Credential);

    public sealed record CredentialLimits(int? RequestsPerMinute, int? Concurrency, decimal? DailyCost);

    public sealed record IntrospectResponse(
        bool Active,
        Guid? UserId = null,
        IReadOnlyList<string>? Roles = null,
        string? Email = null,
        string? Phone = null,
        string? CredentialType = null,
        string? CredentialId = null,
        DateTimeOffset? ExpiresAt = null,
        string? CsrfToken = null,
        CredentialLimits? Limits = null,
        IReadOnlyList<string>? Permissions = null,
        IReadOnlyList<string>? Scopes = null)
    {
        public static readonly IntrospectResponse Inactive = new(false);
    }

    public static IEndpointRouteBuilder MapIntrospection(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/introspect", IntrospectAsync)
           .RequireAuthorization(InternalAuthExtensions.GatewayPolicy)
           .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Ok<IntrospectResponse>, ProblemHttpResult>> IntrospectAsync(
        IntrospectRequest request, IdentityDbContext db, TokenService tokens, SessionService sessions, EffectivePermissions permissions,
        TimeProvider time, IOptions<IdentityLimits> limits, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Credential) || request.Credential.Length > 512)
        {
            return Problems.BadRequest("invalid_credential", "credential is required (at most 512 characters).");
        }
        var now = time.GetUtcNow();
        switch (request.Type)
        {
            case InternalClaims.Types.Token:
                var token = await tokens.ResolveAsync(request.Credential, cancellationToken);
                return await AnswerAsync(db, permissions, token?.UserId, InternalClaims.Types.Token, token?.Id.ToString(), token?.ExpiresAt, null, null, null, cancellationToken);

            case InternalClaims.Types.Session:
                var session = await sessions.ResolveAsync(request.Credential, cancellationToken);
                return await AnswerAsync(db, permissions, session?.UserId, InternalClaims.Types.Session, session?.CredentialId, session?.ExpiresAt,
                    session is null ? null : sessions.CsrfToken(session.CredentialId), null, null, cancellationToken);

            case InternalClaims.Types.ApiKey:
                var hash = IdentitySecrets.Hash(request.Credential);
                var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash, cancellationToken);
                if (key is null || !key.IsLive(now))
                {
                    return TypedResults.Ok(IntrospectResponse.Inactive);
                }
                await TouchAsync(db, key, now, limits.Value.TokenSlideThrottle, cancellationToken);
                return await AnswerAsync(db, permissions, key.UserId, InternalClaims.Types.ApiKey, key.Id.ToString(), key.ExpiresAt, null,
                    new CredentialLimits(key.RequestsPerMinute, key.Concurrency, key.DailyCostLimit), key.Scopes, cancellationToken);

            default:
                return Problems.BadRequest("invalid_type", "type must be token, session or api_key.");
        }
    }

    private static async Task<Results<Ok<IntrospectResponse>, ProblemHttpResult>> AnswerAsync(
        IdentityDbContext db, EffectivePermissions permissions, Guid? userId, string type, string? credentialId, DateTimeOffset? expiresAt, string? csrf,
        CredentialLimits? limits, IReadOnlyList<string>? scopes, CancellationToken cancellationToken)
    {
        if (userId is null || credentialId is null)
        {
            return TypedResults.Ok(IntrospectResponse.Inactive);
        }
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null || user.Status != UserStatus.Active)
        {
            return TypedResults.Ok(IntrospectResponse.Inactive);
        }
        var granted = await permissions.OfAsync(user, cancellationToken);
        return TypedResults.Ok(new IntrospectResponse(true, user.Id, user.Roles, user.Email, user.Phone, type, credentialId, expiresAt, csrf, limits, granted, scopes));
    }

    // last_used_at is informational: written at most once per throttle interval per key.
    private static Task TouchAsync(IdentityDbContext db, ApiKey key, DateTimeOffset now, TimeSpan throttle, CancellationToken cancellationToken)
    {
        if (key.LastUsedAt is { } last && now - last < throttle)
        {
            return Task.CompletedTask;
        }
        return db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
    }
}
