using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Promo.Api.HelpTasks;

internal sealed class HelpTaskConfiguration : IEntityTypeConfiguration<HelpTask>
{
    public void Configure(EntityTypeBuilder<HelpTask> e)
    {
        e.ToTable("promo_help_tasks");
        e.Property(t => t.TaskNo).HasMaxLength(32);
        e.HasIndex(t => t.TaskNo).IsUnique();
        e.Property(t => t.OwnerUserBid).HasMaxLength(36);
        e.HasIndex(t => t.OwnerUserBid);
        e.Property(t => t.OrderBid).HasMaxLength(36);
        e.HasIndex(t => t.OrderBid).IsUnique();
        e.Property(t => t.Status).HasLowerCaseName();
        e.HasIndex(t => new { t.Status, t.PayoutAt });
    }
}
