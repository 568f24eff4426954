using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;
using Promo.Api.Catalog;

namespace Promo.Api.Orders;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> e)
    {
        e.ToTable("promo_orders");
        e.HasKey(o => o.OrderBid);
        e.Property(o => o.OrderBid).HasMaxLength(36);
        e.Property(o => o.UserBid).HasMaxLength(36);
        e.Property(o => o.IdempotencyKey).HasMaxLength(100);
        e.Property(o => o.RequestHash).HasMaxLength(64);
        e.HasIndex(o => new { o.UserBid, o.IdempotencyKey }).IsUnique();
        e.Property(o => o.SkuName).HasMaxLength(200);
        e.Property(o => o.CouponCode).HasMaxLength(64);
        e.Property(o => o.HelpTaskNo).HasMaxLength(32);
        e.Property(o => o.RecipientName).HasMaxLength(100);
        e.Property(o => o.RecipientPhone).HasMaxLength(32);
        e.Property(o => o.ShippingAddress).HasMaxLength(500);
        e.Property(o => o.Status).HasLowerCaseName();
        e.Property(o => o.CloseReason).HasLowerCaseName();
        e.Property(o => o.PaymentRef).HasMaxLength(100);
        e.Property(o => o.Relay).HasRelayTermsJson();
        // The sweeper finds its work by state.
        e.HasIndex(o => new { o.Status, o.ExpiresAt });
        e.HasIndex(o => new { o.Status, o.ShippedAt });
        e.HasIndex(o => new { o.UserBid, o.CreatedAt });
        e.HasIndex(o => o.HelpTaskNo).HasFilter("help_task_no IS NOT NULL");
    }
}
