using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Promo.Tests.HelpTasks;

[Collection(PromoCollection.Name)]
public sealed class HelpTaskTests(PromoPlatform platform)
{
    private static readonly TimeSpan PayoutDelay = TimeSpan.FromDays(3); // Promo:PayoutDelaySeconds' default

    [Fact]
    public async Task Enough_received_helper_orders_qualify_the_task_and_its_payout_is_written_once_when_due()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 40m, stock: 10, helpersRequired: 2);
        var owner = platform.Buyer(out var ownerId);
        var taskNo = await OpenTaskAsync(owner, sku, Address("1 Owner Road", "+1 555 0100"));
        var helpers = new[] { platform.Buyer(out _), platform.Buyer(out _, b: true) };
        var helperOrders = new List<string>();
        for (var i = 0; i < helpers.Length; i++)
        {
            helperOrders.Add(await ShippedAsync(helpers[i], new { skuId = sku.SkuId, helpTaskNo = taskNo, shipping = Address($"{i + 2} Helper Lane", $"+1 555 020{i}") }));
        }
        var task = await owner.GetFromJsonAsync<JsonElement>($"/api/promo/help-tasks/{taskNo}");
        Assert.Equal("open", task.GetProperty("status").GetString());
        Assert.Equal(2, task.GetProperty("pendingHelpers").GetInt32());

        // The last two helpers confirm at once, on both instances: the task must still see both.
        var received = await Task.WhenAll(helpers.Select((h, i) => h.PostAsync($"/api/promo/orders/{helperOrders[i]}/receive", null)));
        Assert.All(received, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        task = await owner.GetFromJsonAsync<JsonElement>($"/api/promo/help-tasks/{taskNo}");
        Assert.Equal("qualified", task.GetProperty("status").GetString());
        Assert.Equal(2, task.GetProperty("receivedHelpers").GetInt32());
        Assert.Equal(PayoutDelay, task.GetProperty("payoutAt").GetDateTimeOffset() - task.GetProperty("qualifiedAt").GetDateTimeOffset());
        // Helpers see the task's progress but not the owner's order.
        var seenByHelper = await helpers[0].GetFromJsonAsync<JsonElement>($"/api/promo/help-tasks/{taskNo}");
        Assert.False(seenByHelper.TryGetProperty("orderBid", out _));
        Assert.False(seenByHelper.GetProperty("mine").GetBoolean());

        platform.Clock.Advance(PayoutDelay + TimeSpan.FromSeconds(1));

        var payout = await PayoutOfAsync(taskNo);
        Assert.Equal("paid", payout.GetProperty("payoutStatus").GetString());
        Assert.Equal("none", payout.GetProperty("riskLevel").GetString());
        Assert.Equal(40m, payout.Money("amount"));
        Assert.Equal(ownerId.ToString("N"), payout.GetProperty("userBid").GetString());
        Assert.Equal(helperOrders.Order(), payout.GetProperty("helperOrderBids").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal("paid_out", (await owner.GetFromJsonAsync<JsonElement>($"/api/promo/help-tasks/{taskNo}")).GetProperty("status").GetString());
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM payout_ledger WHERE task_no = $1", taskNo));
    }

    [Fact]
    public async Task A_payout_helped_by_its_owner_or_a_shared_address_waits_for_an_admin()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 10m, stock: 10, helpersRequired: 2);
        var owner = platform.Buyer(out var ownerId);
        var taskNo = await OpenTaskAsync(owner, sku, Address("7 Same Street", "+1 555 0300"));
        var self = await ShippedAsync(platform.Buyer(ownerId), new { skuId = sku.SkuId, helpTaskNo = taskNo, shipping = Address("9 Other Road", "+1 555 0301") });
        var friend = platform.Buyer(out _);
        // Same address written differently.
        var shared = await ShippedAsync(friend, new { skuId = sku.SkuId, helpTaskNo = taskNo, shipping = Address("7, same STREET", "+1 555 0302") });
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/promo/orders/{self}/receive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await friend.PostAsync($"/api/promo/orders/{shared}/receive", null)).StatusCode);

        platform.Clock.Advance(PayoutDelay + TimeSpan.FromSeconds(1));
        var payout = await PayoutOfAsync(taskNo);

        Assert.Equal("pending_review", payout.GetProperty("payoutStatus").GetString());
        Assert.Equal("high", payout.GetProperty("riskLevel").GetString());
        Assert.Equal(["helper_is_owner", "shared_address"], payout.GetProperty("riskReasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("review", (await owner.GetFromJsonAsync<JsonElement>($"/api/promo/help-tasks/{taskNo}")).GetProperty("status").GetString());

        var id = payout.GetProperty("id").GetGuid();
        using var byBuyer = await owner.PostAsJsonAsync($"/api/promo/payouts/{id}/approve", new { note = "mine" });
        using var approved = await platform.Admin().PostAsJsonAsync($"/api/promo/payouts/{id}/approve", new { note = "checked by phone" });
        using var twice = await platform.Admin().PostAsJsonAsync($"/api/promo/payouts/{id}/reject", new { note = "changed my mind" });

        Assert.Equal(HttpStatusCode.Forbidden, byBuyer.StatusCode);
        var decided = await approved.JsonAsync();
        Assert.Equal("approved", decided.GetProperty("payoutStatus").GetString());
        Assert.Equal("checked by phone", decided.GetProperty("note").GetString());
        Assert.Equal("payout_not_pending", await twice.ProblemCodeAsync());
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM audit_logs WHERE action = 'approve_payout' AND entity_id = $1", id.ToString()));
    }

    [Fact]
    public async Task A_rejected_payout_leaves_its_task_rejected_not_paid_out()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 10m, stock: 10, helpersRequired: 1);
        var owner = platform.Buyer(out var ownerId);
        var taskNo = await OpenTaskAsync(owner, sku, Address("3 Reject Road", "+1 555 0400"));
        var self = await ShippedAsync(platform.Buyer(ownerId), new { skuId = sku.SkuId, helpTaskNo = taskNo, shipping = Address("4 Reject Road", "+1 555 0401") });
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/promo/orders/{self}/receive", null)).StatusCode);
        platform.Clock.Advance(PayoutDelay + TimeSpan.FromSeconds(1));
        var payout = await PayoutOfAsync(taskNo);
        Assert.Equal("pending_review", payout.GetProperty("payoutStatus").GetString());

        using var rejected = await platform.Admin().PostAsJsonAsync($"/api/promo/payouts/{payout.GetProperty("id").GetGuid()}/reject", new { note = "self-help" });
        Assert.Equal("rejected", (await rejected.JsonAsync()).GetProperty("payoutStatus").GetString());
        Assert.Equal("rejected", (await owner.GetFromJsonAsync<JsonElement>($"/api/promo/help-tasks/{taskNo}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_helper_without_shipping_details_holds_the_payout_for_an_admin()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 10m, stock: 10, helpersRequired: 2);
        var owner = platform.Buyer(out _);
        var taskNo = await OpenTaskAsync(owner, sku, Address("5 Owner Way", "+1 555 0500"));
        var withAddress = platform.Buyer(out _);
        var withNothing = platform.Buyer(out _);
        var helped = await ShippedAsync(withAddress, new { skuId = sku.SkuId, helpTaskNo = taskNo, shipping = Address("6 Helper Way", "+1 555 0501") });
        // No shipping at all: there is nothing the address and phone checks could compare.
        var blank = await ShippedAsync(withNothing, new { skuId = sku.SkuId, helpTaskNo = taskNo });
        Assert.Equal(HttpStatusCode.OK, (await withAddress.PostAsync($"/api/promo/orders/{helped}/receive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await withNothing.PostAsync($"/api/promo/orders/{blank}/receive", null)).StatusCode);

        platform.Clock.Advance(PayoutDelay + TimeSpan.FromSeconds(1));
        var payout = await PayoutOfAsync(taskNo);

        Assert.Equal("pending_review", payout.GetProperty("payoutStatus").GetString());
        Assert.Equal("medium", payout.GetProperty("riskLevel").GetString());
        Assert.Equal(["missing_shipping"], payout.GetProperty("riskReasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_helper_helps_an_open_task_once_unless_that_order_falls_through()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 5m, stock: 10, helpersRequired: 1);
        var taskNo = await OpenTaskAsync(platform.Buyer(out _), sku, null);
        var helper = platform.Buyer(out _);

        using var unknown = await helper.PlaceAsync(new { skuId = sku.SkuId, helpTaskNo = "HTNOSUCHTASK" });
        var first = await helper.OrderAsync(new { skuId = sku.SkuId, helpTaskNo = taskNo });
        using var second = await helper.PlaceAsync(new { skuId = sku.SkuId, helpTaskNo = taskNo });
        Assert.Equal(HttpStatusCode.OK, (await helper.PostAsync($"/api/promo/orders/{first.Bid()}/cancel", null)).StatusCode);
        var again = await helper.OrderAsync(new { skuId = sku.SkuId, helpTaskNo = taskNo });

        Assert.Equal("help_task_not_open", await unknown.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("already_helping", await second.ProblemCodeAsync());
        Assert.Equal(taskNo, again.GetProperty("helpTaskNo").GetString());
        var task = await helper.GetFromJsonAsync<JsonElement>($"/api/promo/help-tasks/{taskNo}");
        Assert.Equal(1, task.GetProperty("pendingHelpers").GetInt32());
        // A helper's own paid order opens no task of its own.
        using var paid = await platform.PayAsync(again.Bid(), again.Money("payAmount"));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(0, await platform.ScalarAsync("SELECT count(*) FROM promo_help_tasks WHERE order_bid = $1", again.Bid()));
    }

    /// <summary>The owner orders and pays a help-enabled SKU; returns the task number that opened.</summary>
    private async Task<string> OpenTaskAsync(HttpClient owner, PromoApi.Sku sku, object? shipping)
    {
        var order = await owner.OrderAsync(new { skuId = sku.SkuId, shipping });
        using var paid = await platform.PayAsync(order.Bid(), order.Money("payAmount"));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var mine = await owner.GetFromJsonAsync<JsonElement>("/api/promo/help-tasks");
        var task = mine.EnumerateArray().Single(t => t.GetProperty("orderBid").GetString() == order.Bid());
        Assert.True(task.GetProperty("mine").GetBoolean());
        Assert.Equal(sku.SkuId, order.GetProperty("skuId").GetGuid());
        return task.GetProperty("taskNo").GetString()!;
    }

    /// <summary>Places, pays and ships an order; returns its bid.</summary>
    private async Task<string> ShippedAsync(HttpClient buyer, object order)
    {
        var placed = await buyer.OrderAsync(order);
        using var paid = await platform.PayAsync(placed.Bid(), placed.Money("payAmount"));
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        using var shipped = await platform.Admin().PostAsync($"/api/promo/orders/{placed.Bid()}/ship", null);
        Assert.Equal(HttpStatusCode.OK, shipped.StatusCode);
        return placed.Bid();
    }

    private async Task<JsonElement> PayoutOfAsync(string taskNo)
    {
        JsonElement payout = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var page = await platform.Admin().GetFromJsonAsync<JsonElement>("/api/promo/payouts?pageSize=200");
            var found = page.GetProperty("items").EnumerateArray().Where(p => p.GetProperty("taskNo").GetString() == taskNo).ToList();
            if (found.Count == 1) payout = found[0];
            return found.Count == 1;
        }, TimeSpan.FromSeconds(30)), $"no payout for {taskNo}");
        return payout;
    }

    private static object Address(string address, string phone) => new { name = "Recipient", phone, address };
}
