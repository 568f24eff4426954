using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Users.Api.RedeemCodes;

internal sealed class RedeemCodeConfiguration : IEntityTypeConfiguration<RedeemCode>
{
    public void Configure(EntityTypeBuilder<RedeemCode> e)
    {
        e.Property(c => c.CodeHash).HasMaxLength(64);
        e.HasIndex(c => c.CodeHash).IsUnique();
        e.HasIndex(c => c.BatchId);
        e.Property(c => c.Prefix).HasMaxLength(16);
        e.Property(c => c.CreatedBy).HasMaxLength(64);
        e.Property(c => c.TeamId).HasMaxLength(100);
        e.Property(c => c.Status).HasLowerCaseName();
    }
}
