using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pool.Api.Relay;

internal sealed class StickySessionConfiguration : IEntityTypeConfiguration<StickySession>
{
    public void Configure(EntityTypeBuilder<StickySession> e)
    {
        e.ToTable("relay_sticky_sessions");
        e.HasKey(s => s.SessionHash);
        e.Property(s => s.SessionHash).HasMaxLength(32);
        e.HasIndex(s => s.MotherId);
        e.HasIndex(s => s.ExpiresAt);
    }
}
