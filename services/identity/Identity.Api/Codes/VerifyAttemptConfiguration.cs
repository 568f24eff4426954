using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Identity.Api.Codes;

internal sealed class VerifyAttemptConfiguration : IEntityTypeConfiguration<VerifyAttempt>
{
    public void Configure(EntityTypeBuilder<VerifyAttempt> e)
    {
        e.Property(a => a.Target).HasMaxLength(254);
        e.Property(a => a.Ip).HasMaxLength(45);
        e.HasIndex(a => new { a.Target, a.Ip, a.At });
    }
}
