using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Contracts.Pool;

namespace Pool.Api.Plans;

/// <summary>
/// A person's relay plan (one row per person): without a live one, none of their API keys may use the relay. Its
/// limits hold over all of the person's keys together; a key's own limits can only be lower.
/// </summary>
public sealed class RelayPlan
{
    public Guid UserId { get; set; }
    public decimal DailyCost { get; set; }
    public int RequestsPerMinute { get; set; }
    public int Concurrency { get; set; }
    /// <summary>Prefixes of normalised model names; empty: any model.</summary>
    public List<string> AllowedModels { get; set; } = [];
    /// <summary>Null: until an administrator ends it.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
    /// <summary>Grows with every change, so identity's copy can ignore older events that arrive late.</summary>
    public long Version { get; set; }
    /// <summary><c>admin</c> or <c>order</c>: what changed it last.</summary>
    public required string Source { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsLive(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;

    public RelayPlanTerms Terms => new(DailyCost, RequestsPerMinute, Concurrency, AllowedModels);
}

/// <summary>A paid relay order applied to a plan: its key makes a redelivered or repeated purchase change nothing.</summary>
public sealed class RelayPlanOrder
{
    public required string OrderBid { get; set; }
    public Guid UserId { get; set; }
    public int Days { get; set; }
    /// <summary>The plan's end after this order.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
}

public sealed class RelayPlanConfiguration : IEntityTypeConfiguration<RelayPlan>
{
    public void Configure(EntityTypeBuilder<RelayPlan> e)
    {
        e.ToTable("relay_plans");
        e.HasKey(p => p.UserId);
        e.Property(p => p.UserId).ValueGeneratedNever();
        e.Property(p => p.DailyCost).HasPrecision(18, 6);
        e.Property(p => p.Source).HasMaxLength(10);
        e.HasIndex(p => p.ExpiresAt);
    }
}

public sealed class RelayPlanOrderConfiguration : IEntityTypeConfiguration<RelayPlanOrder>
{
    public void Configure(EntityTypeBuilder<RelayPlanOrder> e)
    {
        e.ToTable("relay_plan_orders");
        e.HasKey(o => o.OrderBid);
        e.Property(o => o.OrderBid).HasMaxLength(36);
        e.HasIndex(o => o.UserId);
    }
}
