using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Identity.Api.ApiKeys;

internal sealed class RelayPlanLimitsConfiguration : IEntityTypeConfiguration<RelayPlanLimits>
{
    public void Configure(EntityTypeBuilder<RelayPlanLimits> e)
    {
        e.ToTable("relay_plan_limits");
        e.HasKey(p => p.UserId);
        e.Property(p => p.UserId).ValueGeneratedNever();
        e.Property(p => p.DailyCost).HasPrecision(18, 6);
    }
}
