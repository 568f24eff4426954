using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
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
        // Each entity's mapping sits beside it, in its feature folder.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PromoDbContext).Assembly);
    }
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
