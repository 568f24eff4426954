using Identity.Api.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Identity.Api.Grants;

internal sealed class PermissionGrantConfiguration : IEntityTypeConfiguration<PermissionGrant>
{
    public void Configure(EntityTypeBuilder<PermissionGrant> e)
    {
        e.HasKey(g => new { g.UserId, g.Resource });
        e.Property(g => g.Resource).HasMaxLength(50);
        e.Property(g => g.Access).HasMaxLength(10);
        e.Property(g => g.GrantedBy).HasMaxLength(64);
        e.HasOne<User>().WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
