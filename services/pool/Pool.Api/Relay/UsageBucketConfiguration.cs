using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pool.Api.Relay;

internal sealed class UsageBucketConfiguration : IEntityTypeConfiguration<UsageBucket>
{
    public void Configure(EntityTypeBuilder<UsageBucket> e)
    {
        e.ToTable("relay_usage");
        e.HasKey(u => new { u.ApiKeyId, u.Period, u.BucketStart, u.MotherId, u.Model });
        e.Property(u => u.Period).HasMaxLength(10);
        e.Property(u => u.ApiKeyId).HasMaxLength(100);
        e.Property(u => u.Model).HasMaxLength(100);
        e.Property(u => u.Cost).HasPrecision(18, 6);
        e.HasIndex(u => new { u.Period, u.BucketStart });
        e.HasIndex(u => new { u.MotherId, u.Period, u.BucketStart });
        e.HasIndex(u => new { u.UserId, u.Period, u.BucketStart });
    }
}
