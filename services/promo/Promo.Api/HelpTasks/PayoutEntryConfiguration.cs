using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.ServiceDefaults.Data;

namespace Promo.Api.HelpTasks;

internal sealed class PayoutEntryConfiguration : IEntityTypeConfiguration<PayoutEntry>
{
    public void Configure(EntityTypeBuilder<PayoutEntry> e)
    {
        e.ToTable("payout_ledger");
        e.HasIndex(p => p.TaskId).IsUnique();
        e.Property(p => p.TaskNo).HasMaxLength(32);
        e.Property(p => p.UserBid).HasMaxLength(36);
        e.Property(p => p.OrderBid).HasMaxLength(36);
        e.Property(p => p.PayoutStatus).HasLowerCaseName();
        e.HasIndex(p => p.PayoutStatus);
        e.Property(p => p.RiskLevel).HasLowerCaseName();
        e.Property(p => p.Note).HasMaxLength(500);
        e.Property(p => p.Operator).HasMaxLength(100);
    }
}
