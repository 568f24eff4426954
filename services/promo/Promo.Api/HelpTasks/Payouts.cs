using Microsoft.EntityFrameworkCore;
using Promo.Api.Data;

namespace Promo.Api.HelpTasks;

public static class Payouts
{
    /// <summary>
    /// Writes the payout of each qualified task whose payout time has come: the owner's order amount back, with
    /// the risk checks' verdict. Tasks are taken with <c>FOR UPDATE SKIP LOCKED</c> and leave the qualified state in
    /// the same transaction (and the ledger is unique per task), so each task is paid out once whoever runs it.
    /// </summary>
    public static async Task<int> PayDueAsync(PromoDbContext db, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var due = await db.HelpTasks.FromSql(
                $"SELECT * FROM promo_help_tasks WHERE status = 'qualified' AND payout_at <= {now} ORDER BY payout_at LIMIT {limit} FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);
        foreach (var task in due)
        {
            var ownerOrder = await db.Orders.AsNoTracking().FirstAsync(o => o.OrderBid == task.OrderBid, cancellationToken);
            var helps = await db.Helps.AsNoTracking().Where(h => h.TaskId == task.Id && h.Status == HelpStatus.Received)
                .OrderBy(h => h.ReceivedAt).ToListAsync(cancellationToken);
            var helperOrderBids = helps.ConvertAll(h => h.OrderBid);
            var helperOrders = await db.Orders.AsNoTracking().Where(o => helperOrderBids.Contains(o.OrderBid)).ToListAsync(cancellationToken);
            var (level, reasons) = PayoutRisk.Assess(ownerOrder, helperOrders);
            db.PayoutLedger.Add(new PayoutEntry
            {
                Id = Guid.CreateVersion7(),
                TaskId = task.Id,
                TaskNo = task.TaskNo,
                UserBid = task.OwnerUserBid,
                OrderBid = task.OrderBid,
                Amount = ownerOrder.PayAmount,
                HelperUserBids = helps.ConvertAll(h => h.HelperUserBid),
                HelperOrderBids = helperOrderBids,
                QualifiedAt = task.QualifiedAt!.Value,
                PayoutAt = task.PayoutAt!.Value,
                PayoutStatus = level == RiskLevel.None ? PayoutStatus.Paid : PayoutStatus.PendingReview,
                RiskLevel = level,
                RiskReasons = reasons,
                CreatedAt = now,
                UpdatedAt = now,
            });
            task.Status = level == RiskLevel.None ? HelpTaskStatus.PaidOut : HelpTaskStatus.Review;
        }
        await db.SaveChangesAsync(cancellationToken);
        return due.Count;
    }
}
