using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pool.Api.Mothers;

internal sealed class ChildAccountConfiguration : IEntityTypeConfiguration<ChildAccount>
{
    public void Configure(EntityTypeBuilder<ChildAccount> e)
    {
        e.Property(c => c.TeamId).HasMaxLength(100);
        e.Property(c => c.Email).HasMaxLength(254);
        e.Property(c => c.Status).HasMaxLength(20);
        e.Property(c => c.MemberId).HasMaxLength(100);
        e.HasIndex(c => new { c.MotherId, c.TeamId, c.Email }).IsUnique();
    }
}
