using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Users.Api.Redemptions;

internal sealed class RedemptionConfiguration : IEntityTypeConfiguration<Redemption>
{
    public void Configure(EntityTypeBuilder<Redemption> e)
    {
        e.Property(r => r.Email).HasMaxLength(254);
        e.Property(r => r.TeamId).HasMaxLength(100);
        e.Property(r => r.Reason).HasMaxLength(300);
        e.Property(r => r.Status).HasLowerCaseName();
        e.HasIndex(r => new { r.UserId, r.CreatedAt });
        e.HasIndex(r => r.CreatedAt).HasFilter("status = 'pending' AND cancel_requested_at IS NULL");
    }
}
