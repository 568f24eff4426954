using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Identity.Api.Accounts;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> e)
    {
        e.Property(u => u.Email).HasMaxLength(254);
        e.Property(u => u.Phone).HasMaxLength(20);
        e.HasIndex(u => u.Email).IsUnique();
        e.HasIndex(u => u.Phone).IsUnique();
        e.Property(u => u.Status).HasLowerCaseName();
    }
}
