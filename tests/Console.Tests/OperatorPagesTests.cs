using System.Text.Json;
using System.Text.RegularExpressions;

namespace Console.Tests;

/// <summary>Relay, promo and pool group editing, as an administrator does them in the console.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class OperatorPagesTests(ConsoleFixture console)
{
    [Fact]
    public async Task The_relay_page_switches_the_strategy_for_every_instance_and_back_and_shows_rates_and_usage()
    {
        var page = await console.AdminPageAsync("pool/relay");
        await console.OnPageAsync(page, async () =>
        {
            var inUse = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "In use:" });
            await Assertions.Expect(inUse).ToContainTextAsync("from configuration");
            await Assertions.Expect(page.GetByRole(AriaRole.Definition).First).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Requests per minute")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("day buckets by key")).ToBeVisibleAsync();

            await page.GetByLabel("Strategy", new() { Exact = true }).SelectOptionAsync("round_robin");
            await page.GetByRole(AriaRole.Button, new() { Name = "Switch strategy" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("Relay strategy is now round_robin.")).ToBeVisibleAsync();
            await Assertions.Expect(inUse).ToContainTextAsync("round_robin (chosen by an administrator");
            await ConsoleFixture.DocumentAsync(page, "relay");

            await page.GetByLabel("Group by").SelectOptionAsync("model");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"pool/relay\?by=model&period=day$"));
            await Assertions.Expect(page.GetByText("day buckets by model")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "Back to the configured one" }).ClickAsync();
            await Assertions.Expect(inUse).ToContainTextAsync("from configuration");
        });
    }

    [Fact]
    public async Task A_product_is_created_its_stock_moved_by_a_delta_and_an_order_of_it_listed_by_status()
    {
        var code = "SKU-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var page = await console.AdminPageAsync("promo/products");
        await console.OnPageAsync(page, async () =>
        {
            await page.GetByLabel("Product name").FillAsync("Seat " + code);
            await page.GetByLabel("SKU code").FillAsync(code);
            await page.GetByLabel("SKU name").FillAsync("a month");
            await page.GetByLabel("Price").FillAsync("12.50");
            await page.GetByLabel("Stock", new() { Exact = true }).FillAsync("5");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Product Seat {code} created.")).ToBeVisibleAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = code });
            await Assertions.Expect(row).ToContainTextAsync("12.50");

            await page.GetByLabel($"Stock change for {code}").FillAsync("3");
            await page.GetByRole(AriaRole.Button, new() { Name = $"Apply stock change to {code}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Stock of {code} is now 8.")).ToBeVisibleAsync();
            await ConsoleFixture.DocumentAsync(page, "products");

            // An order placed through the API with the console's own session, as a shop page would.
            var skuId = await SkuIdAsync(page, code);
            var csrf = JsonDocument.Parse(await (await page.Context.APIRequest.GetAsync("/api/identity/csrf")).TextAsync()).RootElement.GetProperty("csrfToken").GetString()!;
            var placed = await page.Context.APIRequest.PostAsync("/api/promo/orders", new()
            {
                Headers = new Dictionary<string, string> { ["X-CSRF-Token"] = csrf, ["Idempotency-Key"] = Guid.NewGuid().ToString("N") },
                DataObject = new { skuId, quantity = 2 },
            });
            Assert.True(placed.Status == 201, $"placing an order answered {placed.Status}: {await placed.TextAsync()}");
            var answer = JsonDocument.Parse(await placed.TextAsync()).RootElement;
            var orderBid = answer.GetProperty("orderBid").GetString()!;
            // What it pays depends on the campaigns other tests left running: the page must show what promo charged.
            var pays = answer.GetProperty("payAmount").GetDecimal().ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

            await page.GotoAsync("promo/orders");
            await page.GetByLabel("Status").SelectOptionAsync("Created");
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"promo/orders\?status=Created"));
            var order = page.GetByRole(AriaRole.Row).Filter(new() { HasText = orderBid });
            await Assertions.Expect(order).ToContainTextAsync("2 × a month");
            await Assertions.Expect(order).ToContainTextAsync(pays);
            await Assertions.Expect(order).ToContainTextAsync("created");
            await ConsoleFixture.DocumentAsync(page, "orders");

            await page.GetByLabel("Status").SelectOptionAsync("Shipped");
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"promo/orders\?status=Shipped"));
            await Assertions.Expect(order).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task A_campaign_and_a_coupon_are_created_and_listed_and_payouts_are_filtered_by_status()
    {
        var name = "spring " + Guid.NewGuid().ToString("N")[..6];
        var couponCode = "C" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var page = await console.AdminPageAsync("promo/campaigns");
        await console.OnPageAsync(page, async () =>
        {
            await page.GetByLabel("Campaign name").FillAsync(name);
            await page.GetByLabel("Value").FillAsync("15");
            await page.GetByLabel("Value").BlurAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Create campaign" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Campaign {name} created.")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("15% off");
            await ConsoleFixture.DocumentAsync(page, "campaigns");

            await page.GetByRole(AriaRole.Link, new() { Name = "Coupons" }).ClickAsync();
            await page.GetByLabel("Coupon name").FillAsync(name);
            await page.GetByLabel("Code", new() { Exact = true }).FillAsync(couponCode);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create coupon" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Coupon {name} created.")).ToBeVisibleAsync();
            var coupon = page.GetByRole(AriaRole.Row).Filter(new() { HasText = couponCode });
            await Assertions.Expect(coupon).ToContainTextAsync("5.00 off");
            await Assertions.Expect(coupon).ToContainTextAsync("0 / 100");
            await ConsoleFixture.DocumentAsync(page, "coupons");

            // The same shared code again is refused in the API's words.
            await page.GetByLabel("Coupon name").FillAsync(name + " again");
            await page.GetByLabel("Code", new() { Exact = true }).FillAsync(couponCode);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create coupon" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(couponCode);

            await page.GetByRole(AriaRole.Link, new() { Name = "Payouts" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Help tasks and payouts" })).ToBeVisibleAsync();
            await page.GetByLabel("Status").SelectOptionAsync("PendingReview");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"promo/payouts\?status=PendingReview"));
            await Assertions.Expect(page.GetByText(new Regex(@"Page 1 of \d+"))).ToBeVisibleAsync();
            await ConsoleFixture.DocumentAsync(page, "payouts");
        });
    }

    [Fact]
    public async Task A_pool_group_is_edited_in_place_and_a_bad_domain_is_refused_on_the_form()
    {
        var group = "e-" + Guid.NewGuid().ToString("N")[..10];
        var page = await console.AdminPageAsync();
        await console.OnPageAsync(page, async () =>
        {
            await OperatorSteps.CreateGroupAsync(page, group);
            await page.GetByRole(AriaRole.Button, new() { Name = $"Edit {group}" }).ClickAsync();
            var form = page.GetByRole(AriaRole.Form, new() { Name = $"Edit {group}" });
            await form.GetByLabel("Group email domain").FillAsync("not a domain");
            await form.GetByRole(AriaRole.Button, new() { Name = "Save group" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("emailDomain must be a domain name such as example.com.");

            await form.GetByLabel("Group email domain").FillAsync("seats.example.test");
            await form.GetByLabel("Team name template").FillAsync("{group} team {seq3}");
            await form.GetByRole(AriaRole.Button, new() { Name = "Save group" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Pool group {group} saved.")).ToBeVisibleAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = group });
            await Assertions.Expect(row).ToContainTextAsync("seats.example.test");
            await Assertions.Expect(row).ToContainTextAsync("{group} team {seq3}");
            await ConsoleFixture.DocumentAsync(page, "pool-group-edited");
        });
    }

    private static async Task<Guid> SkuIdAsync(IPage page, string code)
    {
        var products = JsonDocument.Parse(await (await page.Context.APIRequest.GetAsync("/api/promo/products?all=true&pageSize=200")).TextAsync());
        return products.RootElement.GetProperty("items").EnumerateArray().SelectMany(p => p.GetProperty("skus").EnumerateArray())
            .Where(s => s.GetProperty("code").GetString() == code).Select(s => s.GetProperty("id").GetGuid()).Single();
    }
}
