using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Promo.Api.HelpTasks;

internal sealed class HelpConfiguration : IEntityTypeConfiguration<Help>
{
    public void Configure(EntityTypeBuilder<Help> e)
    {
        e.ToTable("promo_helps");
        e.Property(h => h.HelperUserBid).HasMaxLength(36);
        e.Property(h => h.OrderBid).HasMaxLength(36);
        e.HasIndex(h => h.OrderBid).IsUnique();
        e.Property(h => h.Status).HasLowerCaseName();
        // A helper helps a task once, unless that help fell through.
        e.HasIndex(h => new { h.TaskId, h.HelperUserBid }).IsUnique().HasFilter("status <> 'void'");
    }
}
