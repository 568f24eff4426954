using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;
using Promo.Api.Campaigns;
using Promo.Api.Catalog;
using Promo.Api.Coupons;
using Promo.Api.HelpTasks;
using Promo.Api.Orders;

namespace Promo.Api.Data;

/// <summary>The promo service's own database (`promodb`), reached by no other service.</summary>
public sealed class PromoDbContext(DbContextOptions<PromoDbContext> options) : PlatformDbContext(options)
{
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Sku> Skus => Set<Sku>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<CampaignApplication> CampaignApplications => Set<CampaignApplication>();
    public DbSet<Coupon> Coupons => Set<Coupon>();
    public DbSet<CouponUsage> CouponUsages => Set<CouponUsage>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<HelpTask> HelpTasks => Set<HelpTask>();
    public DbSet<Help> Helps => Set<Help>();
    public DbSet<PayoutEntry> PayoutLedger => Set<PayoutEntry>();

    // Money is numeric(18,2) throughout.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<decimal>().HavePrecision(18, 2);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Product>(e =>
        {
            e.ToTable("promo_products");
            e.Property(p => p.Name).HasMaxLength(200);
            e.Property(p => p.Description).HasMaxLength(2000);
            e.Property(p => p.Kind).HasLowerCaseName();
            e.HasMany(p => p.Skus).WithOne(s => s.Product).HasForeignKey(s => s.ProductId);
        });
        modelBuilder.Entity<Sku>(e =>
        {
            e.ToTable("promo_skus", t => t.HasCheckConstraint("ck_promo_skus_stock", "stock >= 0"));
            e.Property(s => s.Code).HasMaxLength(64);
            e.HasIndex(s => s.Code).IsUnique();
            e.Property(s => s.Name).HasMaxLength(200);
            e.Property(s => s.Relay).HasRelayTermsJson();
        });
        modelBuilder.Entity<Campaign>(e =>
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
        });
        modelBuilder.Entity<CampaignApplication>(e =>
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
        });
        modelBuilder.Entity<Coupon>(e =>
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
        });
        modelBuilder.Entity<CouponUsage>(e =>
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
        });
        modelBuilder.Entity<Order>(e =>
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
        });
        modelBuilder.Entity<HelpTask>(e =>
        {
            e.ToTable("promo_help_tasks");
            e.Property(t => t.TaskNo).HasMaxLength(32);
            e.HasIndex(t => t.TaskNo).IsUnique();
            e.Property(t => t.OwnerUserBid).HasMaxLength(36);
            e.HasIndex(t => t.OwnerUserBid);
            e.Property(t => t.OrderBid).HasMaxLength(36);
            e.HasIndex(t => t.OrderBid).IsUnique();
            e.Property(t => t.Status).HasLowerCaseName();
            e.HasIndex(t => new { t.Status, t.PayoutAt });
        });
        modelBuilder.Entity<Help>(e =>
        {
            e.ToTable("promo_helps");
            e.Property(h => h.HelperUserBid).HasMaxLength(36);
            e.Property(h => h.OrderBid).HasMaxLength(36);
            e.HasIndex(h => h.OrderBid).IsUnique();
            e.Property(h => h.Status).HasLowerCaseName();
            // A helper helps a task once, unless that help fell through.
            e.HasIndex(h => new { h.TaskId, h.HelperUserBid }).IsUnique().HasFilter("status <> 'void'");
        });
        modelBuilder.Entity<PayoutEntry>(e =>
        {
            e.ToTable("payout_ledger");
            e.HasIndex(p => p.TaskId).IsUnique();
            e.Property(p => p.TaskNo).HasMaxLength(32);
            e.Property(p => p.UserBid).HasMaxLength(36);
            e.Property(p => p.OrderBid).HasMaxLength(36);
            e.Property(p => p.PayoutStatus).HasLowerCaseName();
            e.HasIndex(p => p.PayoutStatus);
            e.Property(p => p.RiskLevel).HasLowerCaseName();
            e.Property(p => p.Note).HasMaxLength(500);
            e.Property(p => p.Operator).HasMaxLength(100);
        });
    }
}

internal static class ScopeColumn
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A <see cref="Scope"/> as a jsonb column, compared by content.</summary>
    public static PropertyBuilder<Scope> AsScope(this PropertyBuilder<Scope> property) =>
        property.HasConversion(
                s => JsonSerializer.Serialize(s, Json),
                s => JsonSerializer.Deserialize<Scope>(s, Json) ?? Scope.Everything,
                new ValueComparer<Scope>((a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                    s => JsonSerializer.Serialize(s, Json).GetHashCode(), s => s))
            .HasColumnType("jsonb");
}

/// <summary>Lets `dotnet ef` build the model without starting the service or reaching a database.</summary>
internal sealed class PromoDbContextFactory : IDesignTimeDbContextFactory<PromoDbContext>
{
    public PromoDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PromoDbContext>();
        DatabaseExtensions.ConfigureNpgsql(options);
        return new(options.Options);
    }
}
