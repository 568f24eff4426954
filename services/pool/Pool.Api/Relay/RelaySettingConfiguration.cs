using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pool.Api.Relay;

internal sealed class RelaySettingConfiguration : IEntityTypeConfiguration<RelaySetting>
{
    public void Configure(EntityTypeBuilder<RelaySetting> e)
    {
        e.ToTable("relay_settings");
        e.Property(r => r.Id).ValueGeneratedNever();
        e.Property(r => r.Strategy).HasMaxLength(20);
    }
}
