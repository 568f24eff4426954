using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Promo.Api.Catalog;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> e)
    {
        e.ToTable("promo_products");
        e.Property(p => p.Name).HasMaxLength(200);
        e.Property(p => p.Description).HasMaxLength(2000);
        e.Property(p => p.Kind).HasLowerCaseName();
        e.HasMany(p => p.Skus).WithOne(s => s.Product).HasForeignKey(s => s.ProductId);
    }
}
