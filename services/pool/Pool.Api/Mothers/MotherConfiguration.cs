using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Pool.Api.Mothers;

internal sealed class MotherConfiguration : IEntityTypeConfiguration<Mother>
{
    public void Configure(EntityTypeBuilder<Mother> e)
    {
        e.Property(m => m.Name).HasMaxLength(100);
        e.Property(m => m.Email).HasMaxLength(254);
        e.Property(m => m.Provider).HasMaxLength(50);
        e.Property(m => m.Status).HasLowerCaseName();
        e.HasIndex(m => new { m.GroupId, m.Status });
        e.HasIndex(m => m.Email).IsUnique();
    }
}
