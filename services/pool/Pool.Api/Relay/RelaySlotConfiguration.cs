using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pool.Api.Relay;

internal sealed class RelaySlotConfiguration : IEntityTypeConfiguration<RelaySlot>
{
    public void Configure(EntityTypeBuilder<RelaySlot> e)
    {
        e.ToTable("relay_slots");
        e.Property(s => s.Scope).HasMaxLength(120);
        e.HasIndex(s => new { s.Scope, s.ExpiresAt });
    }
}
