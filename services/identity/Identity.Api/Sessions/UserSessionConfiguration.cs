using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Identity.Api.Sessions;

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> e)
    {
        e.HasKey(s => s.CredentialId);
        e.Property(s => s.CredentialId).HasMaxLength(64);
        e.HasIndex(s => s.UserId);
    }
}
