using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts.Pool;
using Platform.ServiceDefaults.Messaging;
using Pool.Api.Data;
using Pool.Api.Relay;

namespace Pool.Api.Plans;

/// <summary>
/// Reads plans for the relay's hot path through a short per-instance cache (<c>Relay:PlanCacheSeconds</c>; a person
/// without a plan is cached too), and writes them: every change bumps the plan's version and publishes
/// <see cref="RelayPlanChanged"/> in the same transaction. A change made here applies on this instance at once, on
/// the others when their cached entry ends. Expiry is judged per request, so it is never late.
/// </summary>
public sealed class RelayPlanStore(IServiceScopeFactory scopes, TimeProvider time, IOptions<RelayOptions> options)
{
    /// <summary>Past this many cached people the cache starts over, so strangers' keys cannot grow it without end.</summary>
    private const int MaxCached = 100_000;

    private sealed record Cached(RelayPlan? Plan, DateTimeOffset Until);

    private readonly ConcurrentDictionary<Guid, Cached> _cache = new();

    public async ValueTask<RelayPlan?> FindAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(userId, out var cached) && cached.Until > now)
        {
            return cached.Plan;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PoolDbContext>();
        var plan = await db.RelayPlans.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        var ttl = TimeSpan.FromSeconds(options.Value.PlanCacheSeconds);
        if (ttl > TimeSpan.Zero)
        {
            if (_cache.Count >= MaxCached) _cache.Clear();
            _cache[userId] = new Cached(plan, now + ttl);
        }
        return plan;
    }

    /// <summary>Forgets what this instance cached of the person (after a change committed).</summary>
    public void Evict(Guid userId) => _cache.TryRemove(userId, out _);

    /// <summary>
    /// Sets the person's plan (creates it, or replaces its terms and end), bumps its version and adds the
    /// <see cref="RelayPlanChanged"/> event; the caller saves in its transaction.
    /// </summary>
    public static async Task<RelayPlan> SetAsync(PoolDbContext db, Guid userId, RelayPlanTerms terms, DateTimeOffset? expiresAt, string source,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var plan = await LockAsync(db, userId, cancellationToken);
        if (plan is null)
        {
            plan = new RelayPlan { UserId = userId, Source = source, CreatedAt = now };
            db.RelayPlans.Add(plan);
        }
        plan.DailyCost = terms.DailyCost;
        plan.RequestsPerMinute = terms.RequestsPerMinute;
        plan.Concurrency = terms.Concurrency;
        plan.AllowedModels = RelayPlanTermsRules.NormalizeModels(terms.AllowedModels);
        plan.ExpiresAt = expiresAt;
        plan.Source = source;
        plan.UpdatedAt = now;
        plan.Version = await NextVersionAsync(db, cancellationToken);
        db.AddEvent(new RelayPlanChanged(userId, plan.Terms, plan.ExpiresAt, plan.Version, now));
        return plan;
    }

    /// <summary>Ends the person's plan at once; false when there was none. The caller saves.</summary>
    public static async Task<RelayPlan?> RemoveAsync(PoolDbContext db, Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await LockAsync(db, userId, cancellationToken) is not { } plan)
        {
            return null;
        }
        db.RelayPlans.Remove(plan);
        db.AddEvent(new RelayPlanChanged(userId, null, null, await NextVersionAsync(db, cancellationToken), now));
        return plan;
    }

    /// <summary>The person's plan row, locked for the rest of the transaction so concurrent changes apply one after the other.</summary>
    public static Task<RelayPlan?> LockAsync(PoolDbContext db, Guid userId, CancellationToken cancellationToken) =>
        db.RelayPlans.FromSql($"SELECT * FROM relay_plans WHERE user_id = {userId} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Versions come from one sequence, so a plan removed and granted again still gets a higher version than any
    /// event identity saw before.
    /// </summary>
    private static async Task<long> NextVersionAsync(PoolDbContext db, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<long>($"SELECT nextval({VersionSequence}::regclass) AS \"Value\"").SingleAsync(cancellationToken);

    public const string VersionSequence = "relay_plan_versions";
}
