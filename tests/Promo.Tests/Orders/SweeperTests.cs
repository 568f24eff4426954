using System.Net;

namespace Promo.Tests.Orders;

/// <summary>The order sweeper of both instances, driven by the shared shifted clock.</summary>
[Collection(PromoCollection.Name)]
public sealed class SweeperTests(PromoPlatform platform)
{
    [Fact]
    public async Task Unpaid_orders_expire_after_600_seconds_and_two_sweepers_give_back_stock_once()
    {
        var admin = platform.Admin();
        var now = platform.Clock.GetUtcNow();
        var sku = await admin.CreateSkuAsync(price: 10m, stock: 30);
        await admin.CreateCampaignAsync(now, "auto", "fixed", 1m, new { skuIds = new[] { sku.SkuId } });
        var coupon = await admin.CreateCouponAsync(now, "shared_code", "fixed", 1m, totalCount: 30, code: "EXP-" + Guid.NewGuid().ToString("N")[..6]);
        var orders = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            platform.Buyer(Guid.NewGuid(), b: i % 2 == 1).OrderAsync(new { skuId = sku.SkuId, couponCode = coupon.GetProperty("code").GetString() })));
        Assert.Equal(0, await admin.StockAsync(sku));

        platform.Clock.Advance(TimeSpan.FromSeconds(601));

        Assert.True(await Eventually.TrueAsync(async () =>
            await platform.ScalarAsync("SELECT count(*) FROM promo_orders WHERE sku_id = $1 AND status = 'closed'", sku.SkuId) == 30, TimeSpan.FromSeconds(30)));
        Assert.Equal(30, await admin.StockAsync(sku));
        Assert.Equal(0, await platform.ScalarAsync("SELECT used_count FROM promo_coupons WHERE coupon_bid = $1", coupon.GetProperty("couponBid").GetString()!));
        Assert.Equal(30, await platform.ScalarAsync("SELECT count(*) FROM promo_coupon_usages WHERE coupon_bid = $1 AND status = 'timeout'", coupon.GetProperty("couponBid").GetString()!));
        var order = await platform.Admin().GetOrderAsync(orders[0].Bid());
        Assert.Equal("expired", order.GetProperty("closeReason").GetString());
        Assert.Equal("voided", order.GetProperty("campaigns")[0].GetProperty("status").GetString());

        // A payment arriving after the order closed is refused.
        using var late = await platform.PayAsync(orders[1].Bid(), orders[1].Money("payAmount"));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("order_closed", await late.ProblemCodeAsync());
    }

    [Fact]
    public async Task Shipped_orders_are_received_automatically_after_7_days()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 3m, stock: 2);
        var buyer = platform.Buyer(out _);
        var order = await buyer.OrderAsync(new { skuId = sku.SkuId });
        using var paid = await platform.PayAsync(order.Bid(), 3m);
        using var shipped = await platform.Admin().PostAsync($"/api/promo/orders/{order.Bid()}/ship", null);
        Assert.Equal(HttpStatusCode.OK, shipped.StatusCode);

        var unpaid = await buyer.OrderAsync(new { skuId = sku.SkuId });

        platform.Clock.Advance(TimeSpan.FromDays(6));

        // A sweep receives first and expires after: once the unpaid order is closed, a sweep has passed the shipped one by.
        Assert.True(await Eventually.TrueAsync(async () => (await buyer.GetOrderAsync(unpaid.Bid())).Status() == "closed", TimeSpan.FromSeconds(30)));
        Assert.Equal("shipped", (await buyer.GetOrderAsync(order.Bid())).Status());
        platform.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        Assert.True(await Eventually.TrueAsync(async () => (await buyer.GetOrderAsync(order.Bid())).Status() == "received", TimeSpan.FromSeconds(30)));
    }
}
