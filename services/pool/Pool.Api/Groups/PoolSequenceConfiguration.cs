using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pool.Api.Groups;

internal sealed class PoolSequenceConfiguration : IEntityTypeConfiguration<PoolSequence>
{
    public void Configure(EntityTypeBuilder<PoolSequence> e)
    {
        e.HasKey(s => new { s.GroupId, s.Kind, s.Day });
        e.Property(s => s.Kind).HasMaxLength(20);
        e.Property(s => s.Day).HasMaxLength(8);
    }
}
