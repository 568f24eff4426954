using System.Net;
using System.Net.Http.Json;

namespace Promo.Tests.Orders;

[Collection(PromoCollection.Name)]
public sealed class OrderTests(PromoPlatform platform)
{
    [Fact]
    public async Task An_order_reserves_stock_and_is_priced_by_auto_campaigns_the_named_campaign_and_a_coupon()
    {
        var admin = platform.Admin();
        var now = platform.Clock.GetUtcNow();
        var sku = await admin.CreateSkuAsync(price: 50m, stock: 10);
        var other = await admin.CreateSkuAsync(price: 50m, stock: 10);
        var auto = await admin.CreateCampaignAsync(now, "auto", "fixed", 10m, new { skuIds = new[] { sku.SkuId } });
        await admin.CreateCampaignAsync(now, "auto", "fixed", 7m, new { skuIds = new[] { other.SkuId } }); // another SKU's: not applied
        var named = await admin.CreateCampaignAsync(now, "event", "percent", 10m);
        var coupon = await admin.CreateCouponAsync(now, "shared_code", "fixed", 5m, totalCount: 3, code: "SAVE-" + Guid.NewGuid().ToString("N")[..6]);

        var order = await platform.Buyer(out _).OrderAsync(new { skuId = sku.SkuId, quantity = 2, campaignBid = named, couponCode = coupon.GetProperty("code").GetString()!.ToLowerInvariant() });

        // 2 × 50 = 100; auto −10 → 90; event 10% of 90 = 9 → 81; coupon −5 → 76.
        Assert.Equal("created", order.Status());
        Assert.Equal(100m, order.Money("amount"));
        Assert.Equal(24m, order.Money("discountAmount"));
        Assert.Equal(76m, order.Money("payAmount"));
        Assert.Equal(5m, order.Money("couponDiscount"));
        var campaigns = order.GetProperty("campaigns").EnumerateArray().ToList();
        Assert.Equal([auto, named], campaigns.Select(c => c.GetProperty("campaignBid").GetString()));
        Assert.Equal([10m, 9m], campaigns.Select(c => c.Money("discountAmount")));
        Assert.Equal(8, await admin.StockAsync(sku));
        Assert.Equal(1, await platform.ScalarAsync("SELECT used_count FROM promo_coupons WHERE coupon_bid = $1", coupon.GetProperty("couponBid").GetString()!));
    }

    [Fact]
    public async Task Discounts_never_exceed_the_price()
    {
        var admin = platform.Admin();
        var now = platform.Clock.GetUtcNow();
        var sku = await admin.CreateSkuAsync(price: 30m, stock: 5);
        await admin.CreateCampaignAsync(now, "auto", "fixed", 25m, new { productIds = new[] { sku.ProductId } });
        var named = await admin.CreateCampaignAsync(now, "manual", "fixed", 100m);

        var order = await platform.Buyer(out _).OrderAsync(new { skuId = sku.SkuId, campaignBid = named });

        Assert.Equal(30m, order.Money("discountAmount"));
        Assert.Equal(0m, order.Money("payAmount"));
        Assert.Equal([25m, 5m], order.GetProperty("campaigns").EnumerateArray().Select(c => c.Money("discountAmount")));
    }

    [Fact]
    public async Task The_same_key_and_body_give_the_same_order_and_another_body_is_a_conflict()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 10m, stock: 5);
        var buyer = platform.Buyer(out var userId);
        var key = Guid.NewGuid().ToString();

        using var first = await buyer.PlaceAsync(new { skuId = sku.SkuId, quantity = 2 }, key);
        using var again = await platform.Buyer(userId, b: true).PlaceAsync(new { skuId = sku.SkuId, quantity = 2 }, key);
        using var changed = await buyer.PlaceAsync(new { skuId = sku.SkuId, quantity = 3 }, key);
        using var otherBuyer = await platform.Buyer(out _).PlaceAsync(new { skuId = sku.SkuId, quantity = 1 }, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await first.JsonAsync()).Bid(), (await again.JsonAsync()).Bid());
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Equal("idempotency_key_reused", await changed.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.Created, otherBuyer.StatusCode); // keys belong to their buyer
        Assert.Equal(2, await platform.Admin().StockAsync(sku));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_place_one_order()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 10m, stock: 20);
        var userId = Guid.NewGuid();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var response = await platform.Buyer(userId, b: i % 2 == 1).PlaceAsync(new { skuId = sku.SkuId, quantity = 3 }, key);
            return (response.StatusCode, Bid: (await response.JsonAsync()).Bid());
        }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(responses.Select(r => r.Bid).Distinct());
        Assert.Equal(17, await platform.Admin().StockAsync(sku));
    }

    [Fact]
    public async Task A_buyer_holds_at_most_five_unpaid_orders_however_many_are_placed_at_once_and_cancelling_one_frees_a_place()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 10m, stock: 50);
        var buyerId = Guid.NewGuid();

        var placed = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var response = await platform.Buyer(buyerId, b: i % 2 == 1).PlaceAsync(new { skuId = sku.SkuId });
            return (response.StatusCode, Body: await response.JsonAsync());
        }));

        Assert.Equal(5, placed.Count(p => p.StatusCode == HttpStatusCode.Created));
        Assert.All(placed.Where(p => p.StatusCode != HttpStatusCode.Created), p =>
        {
            Assert.Equal(HttpStatusCode.Conflict, p.StatusCode);
            Assert.Equal("too_many_unpaid_orders", p.Body.GetProperty("code").GetString());
        });
        // The refused ones took no stock.
        Assert.Equal(45, await platform.Admin().StockAsync(sku));

        var first = placed.First(p => p.StatusCode == HttpStatusCode.Created).Body.Bid();
        var buyer = platform.Buyer(buyerId);
        Assert.Equal(HttpStatusCode.OK, (await buyer.PostAsync($"/api/promo/orders/{first}/cancel", null)).StatusCode);
        await buyer.OrderAsync(new { skuId = sku.SkuId });
        using var sixth = await buyer.PlaceAsync(new { skuId = sku.SkuId });
        Assert.Equal("too_many_unpaid_orders", await sixth.ProblemCodeAsync());
        // Someone else is not held back by this buyer.
        await platform.Buyer(out _).OrderAsync(new { skuId = sku.SkuId });
    }

    [Fact]
    public async Task A_buyers_unpaid_orders_reserve_at_most_two_hundred_items_and_paid_ones_do_not_count()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 1m, stock: 1000);
        var buyer = platform.Buyer(out _);
        var paid = await buyer.OrderAsync(new { skuId = sku.SkuId, quantity = 100 });
        await buyer.OrderAsync(new { skuId = sku.SkuId, quantity = 100 });

        using var over = await buyer.PlaceAsync(new { skuId = sku.SkuId, quantity = 1 });
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Equal("too_many_reserved_items", await over.ProblemCodeAsync());

        using (var payment = await platform.PayAsync(paid.Bid(), paid.Money("payAmount"))) Assert.Equal(HttpStatusCode.OK, payment.StatusCode);
        await buyer.OrderAsync(new { skuId = sku.SkuId, quantity = 100 });
    }

    [Fact]
    public async Task Concurrent_buyers_on_two_instances_never_oversell()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 10m, stock: 5);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await platform.Buyer(Guid.NewGuid(), b: i % 2 == 1).PlaceAsync(new { skuId = sku.SkuId });
            return (response.StatusCode, Code: response.IsSuccessStatusCode ? null : await response.ProblemCodeAsync());
        }));

        Assert.Equal(5, statuses.Count(s => s.StatusCode == HttpStatusCode.Created));
        Assert.All(statuses.Where(s => s.StatusCode != HttpStatusCode.Created), s => Assert.Equal("out_of_stock", s.Code));
        Assert.Equal(0, await platform.Admin().StockAsync(sku));
        Assert.Equal(5, await platform.ScalarAsync("SELECT count(*) FROM promo_orders WHERE sku_id = $1", sku.SkuId));
    }

    [Fact]
    public async Task A_refused_order_takes_no_stock_and_no_coupon()
    {
        var admin = platform.Admin();
        var now = platform.Clock.GetUtcNow();
        var sku = await admin.CreateSkuAsync(price: 10m, stock: 5);
        var elsewhere = await admin.CreateCampaignAsync(now, "event", "fixed", 1m, new { skuIds = new[] { Guid.NewGuid() } });
        var coupon = await admin.CreateCouponAsync(now, "shared_code", "fixed", 1m, totalCount: 1, code: "ONCE-" + Guid.NewGuid().ToString("N")[..6]);
        var code = coupon.GetProperty("code").GetString();
        await platform.Buyer(out _).OrderAsync(new { skuId = sku.SkuId, couponCode = code });

        using var outOfScope = await platform.Buyer(out _).PlaceAsync(new { skuId = sku.SkuId, campaignBid = elsewhere });
        using var exhausted = await platform.Buyer(out _).PlaceAsync(new { skuId = sku.SkuId, couponCode = code });
        using var unknownCoupon = await platform.Buyer(out _).PlaceAsync(new { skuId = sku.SkuId, couponCode = "NO-SUCH-CODE" });
        using var tooMany = await platform.Buyer(out _).PlaceAsync(new { skuId = sku.SkuId, quantity = 5 });

        Assert.Equal("campaign_not_applicable", await outOfScope.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.Conflict, exhausted.StatusCode);
        Assert.Equal("coupon_exhausted", await exhausted.ProblemCodeAsync());
        Assert.Equal("coupon_not_applicable", await unknownCoupon.ProblemCodeAsync());
        Assert.Equal("out_of_stock", await tooMany.ProblemCodeAsync());
        Assert.Equal(4, await admin.StockAsync(sku));
        Assert.Equal(1, await platform.ScalarAsync("SELECT used_count FROM promo_coupons WHERE coupon_bid = $1", coupon.GetProperty("couponBid").GetString()!));
    }

    [Theory]
    [InlineData(null, "{\"skuId\":\"00000000-0000-0000-0000-000000000001\"}", "idempotencyKey")]
    [InlineData("k1", "{}", "skuId")]
    [InlineData("k2", "{\"skuId\":\"00000000-0000-0000-0000-000000000001\",\"quantity\":0}", "quantity")]
    [InlineData("k3", "{\"skuId\":\"00000000-0000-0000-0000-000000000001\",\"shipping\":{\"name\":\"A\",\"phone\":\"call me\",\"address\":\"x\"}}", "shipping.phone")]
    [InlineData("k4", "{\"skuId\":\"not-a-guid\"}", null)]
    public async Task Bad_order_requests_are_400s_naming_the_problem(string? key, string body, string? field)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/promo/orders") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);

        using var response = await platform.Buyer(out _).SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
        }
    }

    [Fact]
    public async Task Buyers_list_their_own_orders_with_their_campaigns_and_admins_list_anyones()
    {
        var admin = platform.Admin();
        var sku = await admin.CreateSkuAsync(price: 10m, stock: 5);
        var named = await admin.CreateCampaignAsync(platform.Clock.GetUtcNow(), "manual", "fixed", 2m);
        var buyer = platform.Buyer(out var userId);
        var plain = await buyer.OrderAsync(new { skuId = sku.SkuId });
        var discounted = await buyer.OrderAsync(new { skuId = sku.SkuId, campaignBid = named });
        await platform.Buyer(out _).OrderAsync(new { skuId = sku.SkuId });

        var mine = (await buyer.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/promo/orders")).GetProperty("items").EnumerateArray().ToList();
        var byAdmin = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/promo/admin/orders?userBid={userId:N}");

        Assert.Equal([discounted.Bid(), plain.Bid()], mine.Select(o => o.Bid()));
        Assert.Equal([named], mine[0].GetProperty("campaigns").EnumerateArray().Select(c => c.GetProperty("campaignBid").GetString()));
        Assert.Empty(mine[1].GetProperty("campaigns").EnumerateArray());
        Assert.Equal(2, byAdmin.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Unknown_sku_is_404_and_an_order_is_invisible_to_other_buyers()
    {
        var buyer = platform.Buyer(out _);
        using var unknown = await buyer.PlaceAsync(new { skuId = Guid.NewGuid() });
        var sku = await platform.Admin().CreateSkuAsync(price: 1m, stock: 1);
        var order = await buyer.OrderAsync(new { skuId = sku.SkuId });

        using var stranger = await platform.Buyer(out _).GetAsync($"/api/promo/orders/{order.Bid()}");
        using var strangerCancel = await platform.Buyer(out _).PostAsync($"/api/promo/orders/{order.Bid()}/cancel", null);
        using var anonymous = await platform.Anonymous().GetAsync($"/api/promo/orders/{order.Bid()}");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, strangerCancel.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("created", (await buyer.GetOrderAsync(order.Bid())).Status());
        Assert.Equal("created", (await platform.Admin().GetOrderAsync(order.Bid())).Status());
    }

    [Fact]
    public async Task Cancelling_gives_back_stock_campaigns_and_a_generated_coupon_code()
    {
        var admin = platform.Admin();
        var now = platform.Clock.GetUtcNow();
        var sku = await admin.CreateSkuAsync(price: 20m, stock: 3);
        await admin.CreateCampaignAsync(now, "auto", "percent", 50m, new { skuIds = new[] { sku.SkuId } });
        var coupon = await admin.CreateCouponAsync(now, "one_code_per_order", "fixed", 2m, totalCount: 1);
        var codes = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/promo/coupons/{coupon.GetProperty("couponBid").GetString()}/codes");
        var code = codes.GetProperty("items")[0].GetProperty("code").GetString();
        var buyer = platform.Buyer(out _);
        var order = await buyer.OrderAsync(new { skuId = sku.SkuId, couponCode = code });
        Assert.Equal(8m, order.Money("payAmount")); // 20 − 50% − 2
        using var taken = await platform.Buyer(out _).PlaceAsync(new { skuId = sku.SkuId, couponCode = code });
        Assert.Equal("coupon_exhausted", await taken.ProblemCodeAsync());

        using var cancel = await buyer.PostAsync($"/api/promo/orders/{order.Bid()}/cancel", null);
        using var again = await buyer.PostAsync($"/api/promo/orders/{order.Bid()}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var closed = await cancel.JsonAsync();
        Assert.Equal("closed", closed.Status());
        Assert.Equal("cancelled", closed.GetProperty("closeReason").GetString());
        Assert.Equal("voided", closed.GetProperty("campaigns")[0].GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("invalid_order_state", await again.ProblemCodeAsync());
        Assert.Equal(3, await admin.StockAsync(sku));
        // The code is free again, and good for the next buyer.
        Assert.Equal(8m, (await platform.Buyer(out _).OrderAsync(new { skuId = sku.SkuId, couponCode = code })).Money("payAmount"));
    }
}
