using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Pool;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Pool.Api.Data;

namespace Pool.Api.Plans;

/// <summary>
/// <c>/api/pool/relay/plans</c>: who may use the relay. Administrators (or holders of a <c>pool.relay-plans</c>
/// grant) give, change and end a person's plan, audited; anyone signed in reads their own. Paid orders of a relay
/// product give plans too (<see cref="RelayPlanPurchasedConsumer"/>).
/// </summary>
public static class RelayPlanEndpoints
{
    /// <summary>A person's relay plan as an administrator sets it.</summary>
    /// <param name="DailyCost">USD the person may spend a day over all of their API keys (more than 0, at most 1000000000).</param>
    /// <param name="RequestsPerMinute">Relayed requests a minute over all of the person's keys (1 to 1000000).</param>
    /// <param name="Concurrency">Relayed requests in flight at once over all of the person's keys (1 to 10000).</param>
    /// <param name="AllowedModels">Model-name prefixes the person may call (normalised, e.g. claude-sonnet-4); empty or absent: any model.</param>
    /// <param name="ExpiresAt">When the plan ends (in the future); absent: until an administrator ends it.</param>
    public sealed record RelayPlanRequest(decimal? DailyCost, int? RequestsPerMinute, int? Concurrency, IReadOnlyList<string?>? AllowedModels,
        DateTimeOffset? ExpiresAt) : IValidatableRequest
    {
        public FieldProblem? Validate() => RelayPlanTermsRules.Check(DailyCost, RequestsPerMinute, Concurrency, AllowedModels);

        public RelayPlanTerms Terms => new(DailyCost!.Value, RequestsPerMinute!.Value, Concurrency!.Value, [.. AllowedModels?.Select(m => m!) ?? []]);
    }

    /// <summary>A person's relay plan.</summary>
    /// <param name="Status"><c>active</c>, or <c>expired</c> (its keys are refused with 403 <c>relay_not_entitled</c>).</param>
    /// <param name="Source">What set it last: <c>admin</c> or <c>order</c> (a paid relay product).</param>
    public sealed record RelayPlanResponse(Guid UserId, string Status, decimal DailyCost, int RequestsPerMinute, int Concurrency,
        IReadOnlyList<string> AllowedModels, DateTimeOffset? ExpiresAt, string Source, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    /// <summary>Filters of the plan list.</summary>
    /// <param name="Status"><c>active</c> or <c>expired</c>; absent: both.</param>
    public sealed record PlanFilter(string? Status = null) : IValidatableRequest
    {
        public FieldProblem? Validate() =>
            Status is null or "active" or "expired" ? null : new("status", "status is active or expired.");
    }

    public static IEndpointRouteBuilder MapRelayPlans(this IEndpointRouteBuilder app)
    {
        var plans = app.MapGroup("/api/pool/relay/plans").WithTags("Relay plans").WithRequestValidation();
        plans.MapGet("/mine", MineAsync);
        var admin = plans.MapGroup("").RequirePermission(Permissions.Pool.RelayPlans);
        admin.MapGet("/", ListAsync);
        admin.MapGet("/{userId:guid}", GetAsync);
        var writes = admin.MapGroup("").RequireDomain("pool");
        writes.MapPut("/{userId:guid}", PutAsync);
        writes.MapDelete("/{userId:guid}", DeleteAsync);
        return app;
    }

    /// <summary>The caller's own relay plan; 404 <c>relay_not_entitled</c> when they have none.</summary>
    private static async Task<Results<Ok<RelayPlanResponse>, ProblemHttpResult>> MineAsync(
        HttpContext http, PoolDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = http.User.RequiredUserId();
        return await db.RelayPlans.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken) is { } plan
            ? TypedResults.Ok(ToResponse(plan, time.GetUtcNow()))
            : Problems.Create(StatusCodes.Status404NotFound, "relay_not_entitled", "You have no relay plan; an administrator or a relay product gives one.");
    }

    /// <summary>Every person's plan, newest change first.</summary>
    private static async Task<Ok<PagedResult<RelayPlanResponse>>> ListAsync(
        [AsParameters] PageRequest page, [AsParameters] PlanFilter filter, PoolDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var query = db.RelayPlans.AsNoTracking();
        query = filter.Status switch
        {
            "active" => query.Where(p => p.ExpiresAt == null || p.ExpiresAt > now),
            "expired" => query.Where(p => p.ExpiresAt <= now),
            _ => query,
        };
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderByDescending(p => p.UpdatedAt).ThenBy(p => p.UserId).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<RelayPlanResponse>(items.ConvertAll(p => ToResponse(p, now)), total, page.Page, page.PageSize));
    }

    /// <summary>One person's plan.</summary>
    private static async Task<Results<Ok<RelayPlanResponse>, ProblemHttpResult>> GetAsync(
        Guid userId, PoolDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        await db.RelayPlans.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken) is { } plan
            ? TypedResults.Ok(ToResponse(plan, time.GetUtcNow()))
            : Problems.NotFound($"User {userId} has no relay plan.");

    /// <summary>Gives the person this plan, or replaces the one they have (its terms and its end); audited.</summary>
    private static async Task<Results<Ok<RelayPlanResponse>, ValidationProblem>> PutAsync(
        Guid userId, RelayPlanRequest request, HttpContext http, PoolDbContext db, RelayPlanStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return Invalid.Field("expiresAt", "expiresAt must be in the future; end a plan with DELETE.");
        }
        var saved = await db.InTransactionAsync(async ct =>
        {
            var before = await RelayPlanStore.LockAsync(db, userId, ct) is { } current ? ToResponse(current, now) : null;
            var plan = await RelayPlanStore.SetAsync(db, userId, request.Terms, request.ExpiresAt, "admin", now, ct);
            var after = ToResponse(plan, now);
            db.Audit(http, "set_relay_plan", "relay_plan", userId.ToString(), before, after, now);
            await db.SaveChangesAsync(ct);
            return after;
        }, cancellationToken);
        store.Evict(userId);
        return TypedResults.Ok(saved);
    }

    /// <summary>Ends the person's plan at once: their keys are refused from now on; audited.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid userId, HttpContext http, PoolDbContext db, RelayPlanStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var removed = await db.InTransactionAsync(async ct =>
        {
            if (await RelayPlanStore.RemoveAsync(db, userId, now, ct) is not { } plan)
            {
                return false;
            }
            db.Audit(http, "remove_relay_plan", "relay_plan", userId.ToString(), ToResponse(plan, now), null, now);
            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken);
        store.Evict(userId);
        return removed ? TypedResults.NoContent() : Problems.NotFound($"User {userId} has no relay plan.");
    }

    public static RelayPlanResponse ToResponse(RelayPlan p, DateTimeOffset now) =>
        new(p.UserId, p.IsLive(now) ? "active" : "expired", p.DailyCost, p.RequestsPerMinute, p.Concurrency, p.AllowedModels, p.ExpiresAt,
            p.Source, p.CreatedAt, p.UpdatedAt);
}
