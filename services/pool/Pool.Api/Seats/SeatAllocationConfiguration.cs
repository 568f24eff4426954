using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Pool.Api.Seats;

internal sealed class SeatAllocationConfiguration : IEntityTypeConfiguration<SeatAllocation>
{
    public void Configure(EntityTypeBuilder<SeatAllocation> e)
    {
        e.HasKey(a => a.RedemptionId);
        e.Property(a => a.Email).HasMaxLength(254);
        e.Property(a => a.TeamId).HasMaxLength(100);
        e.Property(a => a.Reason).HasMaxLength(200);
        e.Property(a => a.Status).HasLowerCaseName();
    }
}
