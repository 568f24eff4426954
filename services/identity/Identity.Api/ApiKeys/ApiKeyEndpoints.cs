using System.Security.Claims;
using Identity.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Identity;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Messaging;

namespace Identity.Api.ApiKeys;

/// <summary>
/// A person's API keys: made only by a signed-in person (bearer token or cookie session, never another key), each
/// with scopes (<c>relay</c> by default: the model endpoints under <c>/v1</c>; <c>api</c>: the platform's API) and,
/// for the relay, limits no higher than the person's relay plan.
/// </summary>
public static class ApiKeyEndpoints
{
    public const string KeyPrefix = "sk-";

    /// <summary>A key's own limits; absent ones are the relay plan's (the plan bounds all of a person's keys together).</summary>
    /// <param name="RequestsPerMinute">Requests a minute through this key (1 to 100000, at most the plan's).</param>
    /// <param name="Concurrency">Relayed requests in flight at once through this key (1 to 10000, at most the plan's).</param>
    /// <param name="DailyCost">USD this key may spend a day on the relay (0 to 1000000000, at most the plan's).</param>
    public sealed record ApiKeyLimits(int? RequestsPerMinute, int? Concurrency, decimal? DailyCost);

    /// <summary>A new API key.</summary>
    /// <param name="Name">1 to 100 characters, to tell keys apart.</param>
    /// <param name="ExpiresAt">When the key stops working (in the future); absent: until revoked.</param>
    /// <param name="Limits">The key's own limits, each at most the relay plan's.</param>
    /// <param name="Scopes"><c>relay</c> (the model endpoints under <c>/v1</c>) and/or <c>api</c> (the platform's <c>/api/**</c>); absent: <c>["relay"]</c>.</param>
    public sealed record CreateApiKeyRequest(string? Name, DateTimeOffset? ExpiresAt, ApiKeyLimits? Limits, IReadOnlyList<string?>? Scopes = null)
        : IValidatableRequest
    {
        /// <summary>The largest daily cost limit: far beyond any real plan, and within the column's numeric(18,2).</summary>
        public const decimal MaxDailyCost = 1_000_000_000m;

        public FieldProblem? Validate() =>
            Name?.Trim() is not { Length: > 0 and <= 100 } ? new("name", "name is required (1 to 100 characters).", "invalid_name")
            : Limits is { RequestsPerMinute: <= 0 or > 100_000 } or { Concurrency: <= 0 or > 10_000 } or { DailyCost: < 0 or > MaxDailyCost }
                ? new("limits", $"limits: requestsPerMinute 1..100000, concurrency 1..10000, dailyCost 0..{MaxDailyCost}.", "invalid_limits")
            : Scopes is not null && (Scopes.Count == 0 || Scopes.Any(s => s is null || !InternalClaims.Scopes.All.Contains(s)))
                ? new("scopes", $"scopes is a non-empty list of {string.Join(", ", InternalClaims.Scopes.All)}.", "invalid_scopes")
            : null;

        public List<string> ScopesOrDefault =>
            Scopes is null ? [InternalClaims.Scopes.Relay] : [.. InternalClaims.Scopes.All.Where(s => Scopes.Contains(s))];
    }

    /// <summary>An API key, without the key itself.</summary>
    /// <param name="Status"><c>active</c>, <c>expired</c> or <c>revoked</c>.</param>
    public sealed record ApiKeyResponse(Guid Id, string Name, string Prefix, string Status, DateTimeOffset CreatedAt,
        DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, ApiKeyLimits Limits, IReadOnlyList<string> Scopes);

    /// <summary>The only answer that ever carries the raw key.</summary>
    public sealed record CreatedApiKey(string Key, ApiKeyResponse ApiKey);

    public static RouteGroupBuilder MapApiKeys(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").WithTags("API keys");
        keys.MapPost("/", CreateAsync);
        keys.MapGet("/", ListAsync);
        keys.MapDelete("/{id:guid}", RevokeAsync);
        return api;
    }

    /// <summary>
    /// Makes an API key; the answer is the only time the key is shown. Only a signed-in person may (403
    /// <c>sign_in_required</c> for an API key, whatever its scopes). A relay key's limits above the person's relay
    /// plan are 400 <c>limit_above_plan</c>, naming the limit.
    /// </summary>
    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateApiKeyRequest request, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (principal.CredentialTypeOf() is not (InternalClaims.Types.Token or InternalClaims.Types.Session))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "sign_in_required",
                "API keys are made by a signed-in person (a bearer token or a session), never by another API key.");
        }
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return Problems.BadRequest("invalid_expires_at", "expiresAt must be in the future.");
        }
        var limits = request.Limits ?? new ApiKeyLimits(null, null, null);
        var scopes = request.ScopesOrDefault;
        var userId = principal.RequiredUserId();
        if (scopes.Contains(InternalClaims.Scopes.Relay)
            && await db.RelayPlanLimits.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken) is { } plan
            && plan.IsLive(now)
            && AbovePlan(limits, plan) is { } above)
        {
            return above;
        }

        var raw = KeyPrefix + IdentitySecrets.NewSecret();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Name = request.Name!.Trim(),
            Prefix = raw[..9],
            KeyHash = IdentitySecrets.Hash(raw),
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
            RequestsPerMinute = limits.RequestsPerMinute,
            Concurrency = limits.Concurrency,
            DailyCostLimit = limits.DailyCost,
            Scopes = scopes,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/identity/api-keys/{key.Id}", new CreatedApiKey(raw, ToResponse(key, now)));
    }

    /// <summary>
    /// A limit a person sets on a key may be lower than their plan's, never higher. Pool caps every key by the plan in
    /// any case (a plan made smaller later, or not yet known here); this tells the person at once.
    /// </summary>
    private static ValidationProblem? AbovePlan(ApiKeyLimits limits, RelayPlanLimits plan) =>
        limits.RequestsPerMinute > plan.RequestsPerMinute
            ? Invalid.Field("limits.requestsPerMinute", $"requestsPerMinute may be at most your relay plan's {plan.RequestsPerMinute}.", "limit_above_plan")
        : limits.Concurrency > plan.Concurrency
            ? Invalid.Field("limits.concurrency", $"concurrency may be at most your relay plan's {plan.Concurrency}.", "limit_above_plan")
        : limits.DailyCost > plan.DailyCost
            ? Invalid.Field("limits.dailyCost", $"dailyCost may be at most your relay plan's {plan.DailyCost}.", "limit_above_plan")
        : null;

    /// <summary>The caller's keys, newest first.</summary>
    private static async Task<Ok<List<ApiKeyResponse>>> ListAsync(ClaimsPrincipal principal, IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = principal.RequiredUserId();
        var now = time.GetUtcNow();
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(keys.ConvertAll(k => ToResponse(k, now)));
    }

    /// <summary>Revokes one of the caller's keys; every gateway refuses it within a second (ApiKeyRevoked).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = principal.RequiredUserId();
        return await db.InTransactionAsync<Results<NoContent, ProblemHttpResult>>(async ct =>
        {
            var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.UserId == userId, ct);
            if (key is null)
            {
                return Problems.NotFound($"API key {id} does not exist.");
            }
            if (key.RevokedAt is null)
            {
                key.RevokedAt = time.GetUtcNow();
                db.AddEvent(new ApiKeyRevoked(userId, key.Id.ToString(), key.RevokedAt.Value));
                await db.SaveChangesAsync(ct);
            }
            return TypedResults.NoContent();
        }, cancellationToken);
    }

    private static ApiKeyResponse ToResponse(ApiKey key, DateTimeOffset now) => new(
        key.Id, key.Name, key.Prefix,
        key.RevokedAt is not null ? "revoked" : key.IsLive(now) ? "active" : "expired",
        key.CreatedAt, key.ExpiresAt, key.LastUsedAt,
        new ApiKeyLimits(key.RequestsPerMinute, key.Concurrency, key.DailyCostLimit), key.Scopes);
}
