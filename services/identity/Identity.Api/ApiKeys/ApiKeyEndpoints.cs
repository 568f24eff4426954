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

public static class ApiKeyEndpoints
{
    public const string KeyPrefix = "sk-";

    public sealed record ApiKeyLimits(int? RequestsPerMinute, int? Concurrency, decimal? DailyCost);

    public sealed record CreateApiKeyRequest(string? Name, DateTimeOffset? ExpiresAt, ApiKeyLimits? Limits) : IValidatableRequest
    {
        /// <summary>The largest daily cost limit: far beyond any real plan, and within the column's numeric(18,2).</summary>
        public const decimal MaxDailyCost = 1_000_000_000m;

        public FieldProblem? Validate() =>
            Name?.Trim() is not { Length: > 0 and <= 100 } ? new("name", "name is required (1 to 100 characters).", "invalid_name")
            : Limits is { RequestsPerMinute: <= 0 or > 100_000 } or { Concurrency: <= 0 or > 10_000 } or { DailyCost: < 0 or > MaxDailyCost }
                ? new("limits", $"limits: requestsPerMinute 1..100000, concurrency 1..10000, dailyCost 0..{MaxDailyCost}.", "invalid_limits")
            : null;
    }

    public sealed record ApiKeyResponse(Guid Id, string Name, string Prefix, string Status, DateTimeOffset CreatedAt,
        DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, ApiKeyLimits Limits);

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

    private static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateAsync(
        CreateApiKeyRequest request, ClaimsPrincipal principal, IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return Problems.BadRequest("invalid_expires_at", "expiresAt must be in the future.");
        }
        var limits = request.Limits ?? new ApiKeyLimits(null, null, null);

        var raw = KeyPrefix + IdentitySecrets.NewSecret();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            UserId = principal.RequiredUserId(),
            Name = request.Name!.Trim(),
            Prefix = raw[..9],
            KeyHash = IdentitySecrets.Hash(raw),
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
            RequestsPerMinute = limits.RequestsPerMinute,
            Concurrency = limits.Concurrency,
            DailyCostLimit = limits.DailyCost,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/identity/api-keys/{key.Id}", new CreatedApiKey(raw, ToResponse(key, now)));
    }

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
        new ApiKeyLimits(key.RequestsPerMinute, key.Concurrency, key.DailyCostLimit));
}
