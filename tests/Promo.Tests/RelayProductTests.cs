using System.Net;
using System.Net.Http.Json;

namespace Promo.Tests;

/// <summary>
/// Relay products (docs/promo.md "Relay products"): each SKU sells a relay plan, and paying an order of one
/// publishes <c>RelayPlanPurchased</c> for pool, once, with the terms the SKU had when the order was placed.
/// </summary>
[Collection(PromoCollection.Name)]
public sealed class RelayProductTests(PromoPlatform platform)
{
    private static object Terms(int days = 30, decimal dailyCost = 2m) =>
        new { dailyCost, requestsPerMinute = 30, concurrency = 2, allowedModels = new[] { "claude-haiku-4" }, days };

    [Fact]
    public async Task A_relay_products_skus_each_need_valid_relay_terms_and_goods_take_none()
    {
        var admin = platform.Admin();
        var cases = new (object Product, string Field)[]
        {
            (new { name = "r", kind = "relay", skus = new[] { new { code = Code(), name = "s", price = 1m, stock = 1 } } }, "skus[0].relay"),
            (new { name = "r", kind = "relay", skus = new[] { new { code = Code(), name = "s", price = 1m, stock = 1, relay = Terms(days: 0) } } }, "skus[0].relay.days"),
            (new { name = "r", kind = "relay", skus = new[] { new { code = Code(), name = "s", price = 1m, stock = 1, relay = Terms(dailyCost: 0m) } } }, "skus[0].relay.dailyCost"),
            (new { name = "g", skus = new[] { new { code = Code(), name = "s", price = 1m, stock = 1, relay = Terms() } } }, "skus[0].relay"),
            (new { name = "k", kind = "service" }, "kind"),
        };
        foreach (var (product, field) in cases)
        {
            using var response = await admin.PostAsJsonAsync("/api/promo/products", product);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode}");
            var problem = await response.JsonAsync();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named: {problem}");
        }

        using var created = await admin.PostAsJsonAsync("/api/promo/products", new { name = "Relay", kind = "relay" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();
        using (var noTerms = await admin.PostAsJsonAsync($"/api/promo/products/{id}/skus", new { code = Code(), name = "s", price = 1m, stock = 1 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noTerms.StatusCode);
        }
        using (var kindChange = await admin.PatchAsJsonAsync($"/api/promo/products/{id}", new { kind = "goods" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, kindChange.StatusCode);
        }
        using var sku = await admin.PostAsJsonAsync($"/api/promo/products/{id}/skus", new { code = Code(), name = "s", price = 1m, stock = 1, relay = Terms() });
        Assert.Equal(HttpStatusCode.Created, sku.StatusCode);
        Assert.Equal(30, (await sku.JsonAsync()).GetProperty("relay").GetProperty("days").GetInt32());
    }

    [Fact]
    public async Task Paying_a_relay_order_publishes_the_purchase_with_the_terms_it_was_ordered_at_once()
    {
        var admin = platform.Admin();
        var code = Code();
        using var created = await admin.PostAsJsonAsync("/api/promo/products", new
        {
            name = "Relay " + code,
            kind = "relay",
            skus = new[] { new { code, name = "30 days", price = 9.9m, stock = 5, relay = Terms() } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var skuId = (await created.JsonAsync()).GetProperty("skus")[0].GetProperty("id").GetGuid();
        var buyer = platform.Buyer(out var buyerId);
        var order = await buyer.OrderAsync(new { skuId, quantity = 2 });

        // A later change of the SKU's terms does not change what this order bought.
        using (var changed = await admin.PatchAsJsonAsync($"/api/promo/skus/{skuId}", new { relay = Terms(days: 7, dailyCost: 1m) }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }
        var orderBid = order.GetProperty("orderBid").GetString()!;
        var payAmount = order.GetProperty("payAmount").GetDecimal();
        using (var paid = await platform.PayAsync(orderBid, payAmount, "relay-ref")) Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        using (var repeated = await platform.PayAsync(orderBid, payAmount, "relay-ref")) Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);

        Assert.True(await Eventually.TrueAsync(() => platform.RelayPurchases.Any(p => p.OrderBid == orderBid), TimeSpan.FromSeconds(20)),
            "no RelayPlanPurchased arrived");
        var purchase = Assert.Single(platform.RelayPurchases, p => p.OrderBid == orderBid);
        Assert.Equal(buyerId, purchase.UserId);
        Assert.Equal(60, purchase.Days);
        Assert.Equal(2m, purchase.Terms.DailyCost);
        Assert.Equal(2, purchase.Terms.Concurrency);
        Assert.Equal(["claude-haiku-4"], purchase.Terms.AllowedModels);
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%RelayPlanPurchased%' AND payload::text LIKE $1",
            $"%{orderBid}%"));

        using var tooLong = await buyer.PlaceAsync(new { skuId, quantity = 1000 });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    private static string Code() => "relay-" + Guid.NewGuid().ToString("N")[..12];
}
