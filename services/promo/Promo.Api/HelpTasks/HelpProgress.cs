using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Promo.Api.Data;
using Promo.Api.Orders;

namespace Promo.Api.HelpTasks;

/// <summary>
/// How orders move help tasks along. Each step runs in the transaction that changes the order, so a task and its
/// helps never disagree with the orders behind them.
/// </summary>
public static class HelpProgress
{
    private const string TaskNoAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>A paid order of a help-enabled SKU (not itself a helper's order) opens its task.</summary>
    public static void OpenTaskIfHelpEnabled(PromoDbContext db, Order order, DateTimeOffset now)
    {
        if (order.HelpersRequired <= 0 || order.HelpTaskNo is not null)
        {
            return;
        }
        db.HelpTasks.Add(new HelpTask
        {
            Id = Guid.CreateVersion7(),
            TaskNo = "HT" + RandomNumberGenerator.GetString(TaskNoAlphabet, 10),
            OwnerUserBid = order.UserBid,
            OrderBid = order.OrderBid,
            RequiredHelpers = order.HelpersRequired,
            Status = HelpTaskStatus.Open,
            CreatedAt = now,
        });
    }

    /// <summary>A helper's order closed unpaid: its help no longer counts, and the helper may help again.</summary>
    public static Task VoidHelpAsync(PromoDbContext db, Order order, CancellationToken cancellationToken) =>
        order.HelpTaskNo is null
            ? Task.CompletedTask
            : db.Helps.Where(h => h.OrderBid == order.OrderBid && h.Status == HelpStatus.Pending)
                .ExecuteUpdateAsync(h => h.SetProperty(x => x.Status, HelpStatus.Void), cancellationToken);

    /// <summary>
    /// A helper's order was received: its help counts, and the task qualifies when enough have. The task's row is
    /// locked first, so two last helpers received at once cannot both count one short.
    /// </summary>
    public static async Task HelpReceivedAsync(PromoDbContext db, Order order, DateTimeOffset now, TimeSpan payoutDelay, CancellationToken cancellationToken)
    {
        if (order.HelpTaskNo is null)
        {
            return;
        }
        var task = await db.HelpTasks.FromSql($"SELECT * FROM promo_help_tasks WHERE task_no = {order.HelpTaskNo} FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);
        if (task is null)
        {
            return;
        }
        await db.Helps.Where(h => h.OrderBid == order.OrderBid && h.Status == HelpStatus.Pending)
            .ExecuteUpdateAsync(h => h.SetProperty(x => x.Status, HelpStatus.Received).SetProperty(x => x.ReceivedAt, now), cancellationToken);
        var received = await db.Helps.CountAsync(h => h.TaskId == task.Id && h.Status == HelpStatus.Received, cancellationToken);
        if (task.Status == HelpTaskStatus.Open && received >= task.RequiredHelpers)
        {
            task.Status = HelpTaskStatus.Qualified;
            task.QualifiedAt = now;
            task.PayoutAt = now + payoutDelay;
        }
    }
}
