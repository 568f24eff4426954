using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Identity.Api.ApiKeys;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> e)
    {
        e.Property(k => k.KeyHash).HasMaxLength(64);
        e.HasIndex(k => k.KeyHash).IsUnique();
        e.HasIndex(k => k.UserId);
        e.Property(k => k.Name).HasMaxLength(100);
        e.Property(k => k.Prefix).HasMaxLength(16);
        e.Property(k => k.DailyCostLimit).HasPrecision(18, 2);
    }
}
