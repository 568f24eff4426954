using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Users.Api.Profiles;

internal sealed class UserProfileConfiguration : IEntityTypeConfiguration<UserProfile>
{
    public void Configure(EntityTypeBuilder<UserProfile> e)
    {
        e.ToTable("user_profiles");
        e.Property(p => p.Email).HasMaxLength(254);
        e.Property(p => p.Phone).HasMaxLength(20);
        e.Property(p => p.DisplayName).HasMaxLength(100);
        e.Property(p => p.Locale).HasMaxLength(20);
        e.Property(p => p.Status).HasLowerCaseName();
        e.HasIndex(p => p.Status);
    }
}
