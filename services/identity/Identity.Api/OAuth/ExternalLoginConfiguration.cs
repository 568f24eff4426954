using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Identity.Api.OAuth;

internal sealed class ExternalLoginConfiguration : IEntityTypeConfiguration<ExternalLogin>
{
    public void Configure(EntityTypeBuilder<ExternalLogin> e)
    {
        e.HasKey(l => new { l.Provider, l.Subject });
        e.Property(l => l.Provider).HasMaxLength(50);
        e.Property(l => l.Subject).HasMaxLength(255);
        e.Property(l => l.Email).HasMaxLength(254);
        e.HasIndex(l => l.UserId);
    }
}
