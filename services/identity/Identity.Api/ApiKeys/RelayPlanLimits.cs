using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Pool;
using Platform.ServiceDefaults.Messaging;

namespace Identity.Api.ApiKeys;

/// <summary>
/// identity's copy of a person's relay plan limits (pool owns the plan), kept from <see cref="RelayPlanChanged"/>
/// so a new API key can be refused limits above the plan's. A removed plan stays as a row without limits, so its
/// version still rules out older events.
/// </summary>
public sealed class RelayPlanLimits
{
    public Guid UserId { get; set; }
    public bool Active { get; set; }
    public decimal? DailyCost { get; set; }
    public int? RequestsPerMinute { get; set; }
    public int? Concurrency { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsLive(DateTimeOffset now) => Active && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>Applies pool's plan changes in version order: an event older than the copy changes nothing.</summary>
public sealed class RelayPlanChangedConsumer(IdentityDbContext db, TimeProvider time) : InboxConsumer<RelayPlanChanged, IdentityDbContext>(db, time)
{
    private readonly TimeProvider _time = time;

    protected override Task HandleAsync(RelayPlanChanged message, CancellationToken cancellationToken)
    {
        var terms = message.Terms;
        return Db.Database.ExecuteSqlAsync($"""
            INSERT INTO relay_plan_limits (user_id, active, daily_cost, requests_per_minute, concurrency, expires_at, version, updated_at)
            VALUES ({message.UserId}, {terms is not null}, {terms?.DailyCost}, {terms?.RequestsPerMinute}, {terms?.Concurrency},
                    {message.ExpiresAt}, {message.Version}, {_time.GetUtcNow()})
            ON CONFLICT (user_id) DO UPDATE SET active = excluded.active, daily_cost = excluded.daily_cost,
                requests_per_minute = excluded.requests_per_minute, concurrency = excluded.concurrency, expires_at = excluded.expires_at,
                version = excluded.version, updated_at = excluded.updated_at
            WHERE relay_plan_limits.version < excluded.version
            """, cancellationToken);
    }
}
