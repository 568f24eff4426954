using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Promo.Api.Coupons;

internal sealed class CouponUsageConfiguration : IEntityTypeConfiguration<CouponUsage>
{
    public void Configure(EntityTypeBuilder<CouponUsage> e)
    {
        e.ToTable("promo_coupon_usages");
        e.HasKey(u => u.CouponUsageBid);
        e.Property(u => u.CouponUsageBid).HasMaxLength(36);
        e.Property(u => u.CouponBid).HasMaxLength(36);
        e.Property(u => u.UserBid).HasMaxLength(36);
        e.Property(u => u.OrderBid).HasMaxLength(36);
        e.Property(u => u.Code).HasMaxLength(64);
        e.Property(u => u.DiscountType).HasLowerCaseName();
        e.Property(u => u.Status).HasLowerCaseName();
        e.HasIndex(u => u.Code);
        e.HasIndex(u => u.CouponBid);
        e.HasIndex(u => u.OrderBid).IsUnique().HasFilter("order_bid IS NOT NULL AND status IN ('active', 'used')");
    }
}
