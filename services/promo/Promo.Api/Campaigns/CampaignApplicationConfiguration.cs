using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Promo.Api.Campaigns;

internal sealed class CampaignApplicationConfiguration : IEntityTypeConfiguration<CampaignApplication>
{
    public void Configure(EntityTypeBuilder<CampaignApplication> e)
    {
        e.ToTable("promo_campaign_applications");
        e.HasKey(a => a.CampaignApplicationBid);
        e.Property(a => a.CampaignApplicationBid).HasMaxLength(36);
        e.Property(a => a.CampaignBid).HasMaxLength(36);
        e.Property(a => a.OrderBid).HasMaxLength(36);
        e.Property(a => a.UserBid).HasMaxLength(36);
        e.Property(a => a.CampaignName).HasMaxLength(100);
        e.Property(a => a.DiscountType).HasLowerCaseName();
        e.Property(a => a.Status).HasLowerCaseName();
        // The source's UNIQUE(order_bid, campaign_bid, deleted) let only one deleted row exist per pair; what it
        // meant is one live row per pair.
        e.HasIndex(a => new { a.OrderBid, a.CampaignBid }).IsUnique().HasFilter("NOT deleted");
        e.HasIndex(a => a.CampaignBid);
    }
}
