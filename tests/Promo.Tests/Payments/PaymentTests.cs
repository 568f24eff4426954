using System.Net;
using System.Net.Http.Json;

namespace Promo.Tests.Payments;

[Collection(PromoCollection.Name)]
public sealed class PaymentTests(PromoPlatform platform)
{
    [Fact]
    public async Task A_signed_callback_for_the_right_amount_pays_the_order_once()
    {
        var admin = platform.Admin();
        var now = platform.Clock.GetUtcNow();
        var sku = await admin.CreateSkuAsync(price: 12.5m, stock: 2);
        var coupon = await admin.CreateCouponAsync(now, "shared_code", "percent", 20m, totalCount: 5, code: "PAY-" + Guid.NewGuid().ToString("N")[..6]);
        var buyer = platform.Buyer(out _);
        var order = await buyer.OrderAsync(new { skuId = sku.SkuId, quantity = 2, couponCode = coupon.GetProperty("code").GetString() });
        Assert.Equal(20m, order.Money("payAmount"));

        using var forged = await platform.PayAsync(order.Bid(), 20m, signature: "sha256=" + new string('0', 64));
        using var wrongAmount = await platform.PayAsync(order.Bid(), 19.99m);
        Assert.Equal("created", (await buyer.GetOrderAsync(order.Bid())).Status());
        using var paid = await platform.PayAsync(order.Bid(), 20m, "ref-1");
        using var repeated = await platform.PayAsync(order.Bid(), 20m, "ref-1");
        using var secondPayment = await platform.PayAsync(order.Bid(), 20m, "ref-2");

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("invalid_signature", await forged.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.Conflict, wrongAmount.StatusCode);
        Assert.Equal("amount_mismatch", await wrongAmount.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal("already_paid", await secondPayment.ProblemCodeAsync());
        var after = await buyer.GetOrderAsync(order.Bid());
        Assert.Equal("paid", after.Status());
        Assert.Equal(System.Text.Json.JsonValueKind.String, after.GetProperty("paidAt").ValueKind);
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM promo_coupon_usages WHERE order_bid = $1 AND status = 'used'", order.Bid()));
    }

    [Fact]
    public async Task Malformed_or_unknown_callbacks_are_refused_without_a_500()
    {
        using var unknown = await platform.PayAsync("no-such-order", 1m);
        using var client = platform.Anonymous();
        using var unsigned = await client.PostAsJsonAsync("/api/promo/payments/callback", new { orderBid = "x", amount = 1m, paymentRef = "r" });
        var garbage = "{not json"u8.ToArray();
        using var content = new ByteArrayContent(garbage);
        content.Headers.Add(Promo.Api.Payments.PaymentEndpoints.SignatureHeader, Promo.Api.Payments.PaymentEndpoints.Sign(garbage, platform.PaymentSecret));
        using var malformed = await client.PostAsync("/api/promo/payments/callback", content);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("invalid_json", await malformed.ProblemCodeAsync());
    }

    [Fact]
    public async Task A_paid_order_is_shipped_by_an_admin_and_received_by_its_buyer()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 5m, stock: 1);
        var buyer = platform.Buyer(out _);
        var order = await buyer.OrderAsync(new { skuId = sku.SkuId, shipping = new { name = "Ada", phone = "+44 20 7946 0000", address = "1 Example Street" } });

        using var shipUnpaid = await platform.Admin().PostAsync($"/api/promo/orders/{order.Bid()}/ship", null);
        using var payment = await platform.PayAsync(order.Bid(), 5m);
        Assert.Equal(HttpStatusCode.OK, payment.StatusCode);
        using var buyerShips = await buyer.PostAsync($"/api/promo/orders/{order.Bid()}/ship", null);
        using var noDomain = await platform.Admin(withDomain: false).PostAsync($"/api/promo/orders/{order.Bid()}/ship", null);
        using var cancelPaid = await buyer.PostAsync($"/api/promo/orders/{order.Bid()}/cancel", null);
        using var ship = await platform.Admin().PostAsync($"/api/promo/orders/{order.Bid()}/ship", null);
        using var receive = await buyer.PostAsync($"/api/promo/orders/{order.Bid()}/receive", null);

        Assert.Equal("invalid_order_state", await shipUnpaid.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.Forbidden, buyerShips.StatusCode);
        Assert.Equal("domain_mismatch", await noDomain.ProblemCodeAsync());
        Assert.Equal("invalid_order_state", await cancelPaid.ProblemCodeAsync());
        Assert.Equal("shipped", (await ship.JsonAsync()).Status());
        Assert.Equal("received", (await receive.JsonAsync()).Status());
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM audit_logs WHERE action = 'ship_order' AND entity_id = $1", order.Bid()));
    }
}
