using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pool.Api.Mothers;

internal sealed class MotherTeamConfiguration : IEntityTypeConfiguration<MotherTeam>
{
    public void Configure(EntityTypeBuilder<MotherTeam> e)
    {
        e.Property(t => t.TeamId).HasMaxLength(100);
        e.Property(t => t.Name).HasMaxLength(200);
        e.HasIndex(t => new { t.MotherId, t.TeamId }).IsUnique();
    }
}
