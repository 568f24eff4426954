using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Pool;
using Platform.Contracts.Promo;
using Platform.ServiceDefaults.Messaging;
using Pool.Api.Data;

namespace Pool.Api.Plans;

/// <summary>
/// A relay product was paid for: the buyer gets its terms, and its days are added to the time a live plan has left
/// (an expired or missing plan starts now; one without an end keeps none). Applied once per order: the inbox drops a
/// redelivered message, and <c>relay_plan_orders</c> the same order sent again under another message id.
/// </summary>
public sealed class RelayPlanPurchasedConsumer(PoolDbContext db, RelayPlanStore store, TimeProvider time, ILogger<RelayPlanPurchasedConsumer> logger)
    : InboxConsumer<RelayPlanPurchased, PoolDbContext>(db, time)
{
    private readonly TimeProvider _time = time;

    protected override async Task HandleAsync(RelayPlanPurchased message, CancellationToken cancellationToken)
    {
        var terms = message.Terms;
        var invalid = RelayPlanTermsRules.Check(terms.DailyCost, terms.RequestsPerMinute, terms.Concurrency, terms.AllowedModels)?.Message
            ?? (message.Days is < 1 or > RelayPlanTerms.MaxDays || message.OrderBid is not { Length: > 0 and <= 36 }
                ? $"days must be 1..{RelayPlanTerms.MaxDays} and the order id 1..36 characters"
                : null);
        if (invalid is not null)
        {
            // Promo checks the same rules when the product is made; a message that breaks them is never applied.
            logger.LogError("Relay plan order {OrderBid} was not applied: {Problem}", message.OrderBid, invalid);
            return;
        }
        var now = _time.GetUtcNow();
        var first = await Db.Database.ExecuteSqlAsync($"""
            INSERT INTO relay_plan_orders (order_bid, user_id, days, applied_at) VALUES ({message.OrderBid}, {message.UserId}, {message.Days}, {now})
            ON CONFLICT (order_bid) DO NOTHING
            """, cancellationToken) == 1;
        if (!first)
        {
            return;
        }
        var current = await RelayPlanStore.LockAsync(Db, message.UserId, cancellationToken);
        DateTimeOffset? expiresAt = current switch
        {
            { ExpiresAt: null } => null,
            { ExpiresAt: { } end } when end > now => end.AddDays(message.Days),
            _ => now.AddDays(message.Days),
        };
        await RelayPlanStore.SetAsync(Db, message.UserId, terms, expiresAt, "order", now, cancellationToken);
        await Db.RelayPlanOrders.Where(o => o.OrderBid == message.OrderBid)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ExpiresAt, expiresAt), cancellationToken);
        // Committed with the inbox row after this returns; this instance's cache may hold the person as planless until then.
        store.Evict(message.UserId);
    }
}
