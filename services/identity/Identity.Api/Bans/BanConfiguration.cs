using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Identity.Api.Bans;

internal sealed class BanConfiguration : IEntityTypeConfiguration<Ban>
{
    public void Configure(EntityTypeBuilder<Ban> e)
    {
        e.Property(b => b.Kind).HasLowerCaseName(10);
        e.Property(b => b.Value).HasMaxLength(254);
        e.Property(b => b.Address).HasMaxLength(45);
        e.Property(b => b.Reason).HasMaxLength(200);
        e.Property(b => b.CreatedBy).HasMaxLength(64);
        e.HasIndex(b => new { b.Kind, b.Value, b.Until });
    }
}
