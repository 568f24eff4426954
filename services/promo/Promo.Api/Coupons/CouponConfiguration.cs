using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;
using Promo.Api.Campaigns;

namespace Promo.Api.Coupons;

internal sealed class CouponConfiguration : IEntityTypeConfiguration<Coupon>
{
    public void Configure(EntityTypeBuilder<Coupon> e)
    {
        e.ToTable("promo_coupons", t => t.HasCheckConstraint("ck_promo_coupons_used_count", "used_count >= 0 AND used_count <= total_count"));
        e.HasKey(c => c.CouponBid);
        e.Property(c => c.CouponBid).HasMaxLength(36);
        e.Property(c => c.Code).HasMaxLength(64);
        e.HasIndex(c => c.Code).IsUnique().HasFilter("code IS NOT NULL AND NOT deleted");
        e.Property(c => c.Name).HasMaxLength(100);
        e.Property(c => c.DiscountType).HasLowerCaseName();
        e.Property(c => c.UsageType).HasLowerCaseName();
        e.Property(c => c.Status).HasLowerCaseName();
        e.Property(c => c.Channel).HasMaxLength(50);
        e.Property(c => c.Filter).AsScope();
    }
}
