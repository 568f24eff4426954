using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Promo.Api.Campaigns;

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> e)
    {
        e.ToTable("promo_campaigns");
        e.HasKey(c => c.CampaignBid);
        e.Property(c => c.CampaignBid).HasMaxLength(36);
        e.Property(c => c.Name).HasMaxLength(100);
        e.Property(c => c.Description).HasMaxLength(2000);
        e.Property(c => c.JoinType).HasLowerCaseName();
        e.Property(c => c.Status).HasLowerCaseName();
        e.Property(c => c.DiscountType).HasLowerCaseName();
        e.Property(c => c.Channel).HasMaxLength(50);
        e.Property(c => c.CreatedBy).HasMaxLength(100);
        e.Property(c => c.UpdatedBy).HasMaxLength(100);
        e.Property(c => c.Filter).AsScope();
        e.HasIndex(c => new { c.JoinType, c.Status }).HasFilter("NOT deleted");
    }
}
