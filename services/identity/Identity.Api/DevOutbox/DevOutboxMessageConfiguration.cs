using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Identity.Api.DevOutbox;

internal sealed class DevOutboxMessageConfiguration : IEntityTypeConfiguration<DevOutboxMessage>
{
    public void Configure(EntityTypeBuilder<DevOutboxMessage> e)
    {
        e.ToTable("dev_outbox");
        e.Property(m => m.Channel).HasLowerCaseName(10);
        e.Property(m => m.Target).HasMaxLength(254);
        e.Property(m => m.Code).HasMaxLength(10);
        e.HasIndex(m => m.Target);
    }
}
