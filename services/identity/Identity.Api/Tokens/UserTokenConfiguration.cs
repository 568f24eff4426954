using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Identity.Api.Tokens;

internal sealed class UserTokenConfiguration : IEntityTypeConfiguration<UserToken>
{
    public void Configure(EntityTypeBuilder<UserToken> e)
    {
        e.Property(t => t.TokenHash).HasMaxLength(64);
        e.HasIndex(t => t.TokenHash).IsUnique();
        e.HasIndex(t => t.UserId);
        e.Property(t => t.ClientInfo).HasMaxLength(200);
    }
}
