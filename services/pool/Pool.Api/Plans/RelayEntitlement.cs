using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Caching;
using Pool.Api.Data;
using Pool.Api.Relay;

namespace Pool.Api.Plans;

/// <summary>
/// Whether a relayed request's owner may make it, by their relay plan: a live plan (403 <c>relay_not_entitled</c>),
/// a model the plan allows (403 <c>model_not_allowed</c>), the plan's requests per minute over all of the person's
/// keys (429 <c>rate_limited</c>) and its daily cost (429 <c>daily_cost_limit</c>, with the key's own lower limit).
/// Concurrency is counted by the forwarder's slots, in the <see cref="UserScope"/>.
/// </summary>
public sealed class RelayEntitlement(RelayPlanStore plans, PoolDbContext db, ICacheProvider cache, TimeProvider time)
{
    public sealed record Refusal(int Status, string Code, string Detail, Dictionary<string, object?>? Extensions = null);

    /// <summary>The slot scope counting a person's requests in flight over all of their keys.</summary>
    public static string UserScope(Guid userId) => "user:" + userId;

    /// <summary>The owner's live plan, or the refusal of a person who has none (or whose plan ended).</summary>
    public async ValueTask<(RelayPlan? Plan, Refusal? Refusal)> PlanOfAsync(Guid? userId, CancellationToken cancellationToken)
    {
        var plan = userId is { } id ? await plans.FindAsync(id, cancellationToken) : null;
        if (plan is null)
        {
            return (null, new(StatusCodes.Status403Forbidden, "relay_not_entitled",
                "Your account has no relay plan; an administrator or a relay product gives one."));
        }
        if (!plan.IsLive(time.GetUtcNow()))
        {
            return (null, new(StatusCodes.Status403Forbidden, "relay_not_entitled",
                $"Your relay plan ended at {plan.ExpiresAt:O}.", new() { ["expiredAt"] = plan.ExpiresAt }));
        }
        return (plan, null);
    }

    /// <summary>
    /// The model check and the per-minute count. A body the relay cannot read a model from passes only a plan that
    /// allows any model: otherwise a client could hide the model from this check and still have the upstream read it.
    /// </summary>
    public async ValueTask<Refusal?> AdmitAsync(RelayPlan plan, string? model, bool hasBody)
    {
        var unreadable = hasBody && model is null;
        if (plan.AllowedModels.Count > 0 && (unreadable || !plan.Allows(model)))
        {
            return new(StatusCodes.Status403Forbidden, "model_not_allowed",
                $"Your relay plan allows the models {string.Join(", ", plan.AllowedModels)}{(model is null ? "; the request names none the relay can read" : $", not {model}")}.",
                new() { ["model"] = model, ["allowedModels"] = plan.AllowedModels });
        }
        // One counter per person and calendar minute, shared by the instances through Redis when there is one.
        var now = time.GetUtcNow();
        var minute = UsagePeriods.Start(UsagePeriods.Minute, now);
        var counted = await cache.IncrementAsync(
            $"relay:rpm:{plan.UserId:N}:{minute.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}", 1, TimeSpan.FromMinutes(2));
        if (counted > plan.RequestsPerMinute)
        {
            var retryAfter = (int)Math.Ceiling((minute.AddMinutes(1) - now).TotalSeconds);
            return new(StatusCodes.Status429TooManyRequests, "rate_limited",
                $"Your relay plan allows {plan.RequestsPerMinute} requests a minute over all of your API keys.",
                new() { ["limit"] = plan.RequestsPerMinute, ["retryAfter"] = Math.Max(1, retryAfter) });
        }
        return null;
    }

    /// <summary>The plan's daily cost over all of the person's keys, then the key's own limit over the key alone.</summary>
    public async Task<Refusal?> CheckDailyCostAsync(RelayPlan plan, string apiKeyId, decimal? keyLimit, CancellationToken cancellationToken)
    {
        var today = UsagePeriods.Start(UsagePeriods.Day, time.GetUtcNow());
        // One round trip for both sums: the person's rows of today, and the key's among them.
        var spent = await db.UsageBuckets
            .Where(u => u.UserId == plan.UserId && u.Period == UsagePeriods.Day && u.BucketStart == today)
            .GroupBy(u => 1)
            .Select(g => new { User = g.Sum(u => u.Cost), Key = g.Sum(u => u.ApiKeyId == apiKeyId ? u.Cost : 0m) })
            .FirstOrDefaultAsync(cancellationToken);
        var (userSpent, keySpent) = (spent?.User ?? 0m, spent?.Key ?? 0m);
        if (userSpent >= plan.DailyCost)
        {
            return new(StatusCodes.Status429TooManyRequests, "daily_cost_limit",
                $"Your relay plan's daily cost {plan.DailyCost} is spent ({userSpent} over all of your keys); it resets at 00:00 UTC.",
                new() { ["cost"] = userSpent, ["limit"] = plan.DailyCost, ["scope"] = "plan" });
        }
        if (keyLimit is { } limit && keySpent >= limit)
        {
            return new(StatusCodes.Status429TooManyRequests, "daily_cost_limit",
                $"This API key has spent {keySpent} of its daily limit {limit}; it resets at 00:00 UTC.",
                new() { ["cost"] = keySpent, ["limit"] = limit, ["scope"] = "key" });
        }
        return null;
    }
}
