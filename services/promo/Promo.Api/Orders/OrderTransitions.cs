using Microsoft.EntityFrameworkCore;
using Promo.Api.Campaigns;
using Promo.Api.Coupons;
using Promo.Api.Data;
using Promo.Api.HelpTasks;

namespace Promo.Api.Orders;

public static class OrderTransitions
{
    /// <summary>
    /// Closes an unpaid order and gives back what it held: its stock, its campaign applications (voided) and its
    /// coupon. Call it in a transaction, with the order's row locked (<see cref="OrderRows"/>) and tracked; the
    /// caller saves.
    /// </summary>
    public static async Task CloseAsync(PromoDbContext db, Order order, CloseReason reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        order.Status = OrderStatus.Closed;
        order.CloseReason = reason;
        order.ClosedAt = now;
        await db.Skus.Where(s => s.Id == order.SkuId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock + order.Quantity).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        await db.CampaignApplications.Where(a => a.OrderBid == order.OrderBid && a.Status == ApplicationStatus.Applied)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.Status, ApplicationStatus.Voided).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        await ReturnCouponAsync(db, order.OrderBid, now, cancellationToken);
        await HelpProgress.VoidHelpAsync(db, order, cancellationToken);
    }

    /// <summary>The order reached its buyer (confirmed or by time): if it helps a task, that help now counts.</summary>
    public static Task ReceiveAsync(PromoDbContext db, Order order, DateTimeOffset now, TimeSpan payoutDelay, CancellationToken cancellationToken)
    {
        order.Status = OrderStatus.Received;
        order.ReceivedAt = now;
        return HelpProgress.HelpReceivedAsync(db, order, now, payoutDelay, cancellationToken);
    }

    private static async Task ReturnCouponAsync(PromoDbContext db, string orderBid, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var usage = await db.CouponUsages.FirstOrDefaultAsync(u => u.OrderBid == orderBid && u.Status == CouponUsageStatus.Active, cancellationToken);
        if (usage is null)
        {
            return;
        }
        var coupon = await db.Coupons.AsNoTracking().FirstAsync(c => c.CouponBid == usage.CouponBid, cancellationToken);
        if (coupon.UsageType == UsageType.SharedCode)
        {
            usage.Status = CouponUsageStatus.Timeout;
        }
        else
        {
            // A generated code is good for one order: free it for the next.
            usage.Status = CouponUsageStatus.Inactive;
            usage.UserBid = null;
            usage.OrderBid = null;
        }
        usage.UpdatedAt = now;
        await db.Coupons.Where(c => c.CouponBid == coupon.CouponBid && c.UsedCount > 0)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.UsedCount, x => x.UsedCount - 1).SetProperty(x => x.UpdatedAt, now), cancellationToken);
    }
}

/// <summary>Order rows locked for the rest of the transaction, so a state change and its side effects happen once.</summary>
public static class OrderRows
{
    public static Task<Order?> LockAsync(PromoDbContext db, string orderBid, CancellationToken cancellationToken) =>
        db.Orders.FromSql($"SELECT * FROM promo_orders WHERE order_bid = {orderBid} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);

    /// <summary>Up to <paramref name="limit"/> orders in <paramref name="status"/> whose deadline passed, skipping rows another instance holds.</summary>
    public static Task<List<Order>> LockDueAsync(PromoDbContext db, OrderStatus status, DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken) =>
        status switch
        {
            OrderStatus.Created => db.Orders.FromSql(
                $"SELECT * FROM promo_orders WHERE status = 'created' AND expires_at <= {dueBefore} ORDER BY expires_at LIMIT {limit} FOR UPDATE SKIP LOCKED").ToListAsync(cancellationToken),
            OrderStatus.Shipped => db.Orders.FromSql(
                $"SELECT * FROM promo_orders WHERE status = 'shipped' AND shipped_at <= {dueBefore} ORDER BY shipped_at LIMIT {limit} FOR UPDATE SKIP LOCKED").ToListAsync(cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Only created and shipped orders fall due."),
        };
}
