using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Pool.Api.Seats;

internal sealed class SeatConfiguration : IEntityTypeConfiguration<Seat>
{
    public void Configure(EntityTypeBuilder<Seat> e)
    {
        e.Property(s => s.Status).HasLowerCaseName(10);
        e.Property(s => s.TeamId).HasMaxLength(100);
        e.Property(s => s.Email).HasMaxLength(254);
        e.HasIndex(s => new { s.MotherId, s.Slot }).IsUnique();
        // One seat per email on a team, whatever the concurrency.
        e.HasIndex(s => new { s.TeamId, s.Email }).IsUnique().HasFilter("email IS NOT NULL");
        e.HasIndex(s => s.RedemptionId).IsUnique().HasFilter("redemption_id IS NOT NULL");
    }
}
