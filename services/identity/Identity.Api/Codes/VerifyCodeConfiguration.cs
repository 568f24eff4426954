using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Identity.Api.Codes;

internal sealed class VerifyCodeConfiguration : IEntityTypeConfiguration<VerifyCode>
{
    public void Configure(EntityTypeBuilder<VerifyCode> e)
    {
        e.Property(c => c.Channel).HasLowerCaseName(10);
        e.Property(c => c.Target).HasMaxLength(254);
        e.Property(c => c.Ip).HasMaxLength(45);
        e.HasIndex(c => new { c.Target, c.CreatedAt });
        e.HasIndex(c => new { c.Ip, c.CreatedAt });
    }
}
