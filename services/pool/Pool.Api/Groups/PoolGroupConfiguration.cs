using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pool.Api.Groups;

internal sealed class PoolGroupConfiguration : IEntityTypeConfiguration<PoolGroup>
{
    public void Configure(EntityTypeBuilder<PoolGroup> e)
    {
        e.Property(g => g.Name).HasMaxLength(100);
        e.HasIndex(g => g.Name).IsUnique();
        e.Property(g => g.TeamNameTemplate).HasMaxLength(200);
        e.Property(g => g.EmailTemplate).HasMaxLength(200);
        e.Property(g => g.EmailDomain).HasMaxLength(200);
    }
}
