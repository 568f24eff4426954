using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Promo.Api.Catalog;

internal sealed class SkuConfiguration : IEntityTypeConfiguration<Sku>
{
    public void Configure(EntityTypeBuilder<Sku> e)
    {
        e.ToTable("promo_skus", t => t.HasCheckConstraint("ck_promo_skus_stock", "stock >= 0"));
        e.Property(s => s.Code).HasMaxLength(64);
        e.HasIndex(s => s.Code).IsUnique();
        e.Property(s => s.Name).HasMaxLength(200);
        e.Property(s => s.Relay).HasRelayTermsJson();
    }
}
