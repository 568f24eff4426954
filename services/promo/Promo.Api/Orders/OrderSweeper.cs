using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Hosting;
using Promo.Api.Data;
using Promo.Api.HelpTasks;

namespace Promo.Api.Orders;

/// <summary>
/// Finds orders whose Time is up by their state: unpaid past their deadline are closed (stock, campaigns and coupon
/// given back), shipped and unconfirmed for <see cref="PromoOptions.AutoReceiveDays"/> are received, and qualified
/// help tasks whose payout Time came are paid out (<see cref="HelpTasks.Payouts"/>). Rows are taken
/// with <c>FOR UPDATE SKIP LOCKED</c> and changed from the state they were found in, so any number of instances can
/// sweep at once, and a sweep cut short is simply done again.
/// </summary>
public sealed partial class OrderSweeper(IServiceScopeFactory scopes, TimeProvider time, IOptions<PromoOptions> options, ILogger<OrderSweeper> logger)
    : PeriodicBackgroundService(time)
{
    private const int BatchSize = 100;

    protected override TimeSpan Period => TimeSpan.FromMilliseconds(options.Value.SweepIntervalMilliseconds);

    protected override Task RunRoundAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    protected override void OnRoundFailed(Exception exception, TimeSpan retryIn) => LogSweepFailed(logger, exception);

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        int received, closed;
        do
        {
            received = await BatchAsync(OrderStatus.Shipped, TimeSpan.FromDays(options.Value.AutoReceiveDays), cancellationToken);
        }
        while (received == BatchSize);
        do
        {
            closed = await BatchAsync(OrderStatus.Created, TimeSpan.Zero, cancellationToken);
        }
        while (closed == BatchSize);
        int paidOut;
        do
        {
            paidOut = await PayOutAsync(cancellationToken);
        }
        while (paidOut == BatchSize);
    }

    private async Task<int> BatchAsync(OrderStatus status, TimeSpan age, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PromoDbContext>();
        var count = await db.InTransactionAsync(async ct =>
        {
            var now = Time.GetUtcNow();
            var due = await OrderRows.LockDueAsync(db, status, now - age, BatchSize, ct);
            foreach (var order in due)
            {
                if (status == OrderStatus.Created)
                {
                    await OrderTransitions.CloseAsync(db, order, CloseReason.Expired, now, ct);
                }
                else
                {
                    await OrderTransitions.ReceiveAsync(db, order, now, TimeSpan.FromSeconds(options.Value.PayoutDelaySeconds), ct);
                }
            }
            await db.SaveChangesAsync(ct);
            return due.Count;
        }, cancellationToken);
        if (count > 0)
        {
            LogSwept(logger, count, status == OrderStatus.Created ? "orders closed unpaid" : "orders received automatically");
        }
        return count;
    }

    private async Task<int> PayOutAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PromoDbContext>();
        var count = await db.InTransactionAsync(ct => Payouts.PayDueAsync(db, Time.GetUtcNow(), BatchSize, ct), cancellationToken);
        if (count > 0)
        {
            LogSwept(logger, count, "help tasks paid out");
        }
        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order sweep: {Count} {What}")]
    private static partial void LogSwept(ILogger logger, int count, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order sweep failed; the next tick tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
