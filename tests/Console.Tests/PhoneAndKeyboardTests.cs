namespace Console.Tests;

/// <summary>The console on a phone-sized window, and by keyboard alone.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PhoneAndKeyboardTests(ConsoleFixture console)
{
    private static readonly string[] MainPages =
    [
        "", "users", "users/redeem-codes", "pool/groups", "pool/mothers", "pool/jobs", "pool/relay", "redeem", "profile", "api-keys", "usage",
        "promo/products", "promo/orders", "promo/payouts", "access/grants", "access/bans", "access/audit", "system",
    ];

    [Fact]
    public async Task On_a_390_by_844_window_no_main_page_scrolls_sideways()
    {
        var page = await console.AdminPageAsync();
        await console.OnPageAsync(page, async () =>
        {
            await page.SetViewportSizeAsync(390, 844);
            var overflowing = new List<string>();
            foreach (var path in MainPages)
            {
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                // Tables scroll inside their own box; the page itself must not.
                var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
                if (widths[0] > widths[1])
                {
                    overflowing.Add($"/{path}: {widths[0]}px wide in {widths[1]}px");
                }
                if (path == "pool/groups")
                {
                    await ConsoleFixture.DocumentAsync(page, "phone-pool-groups");
                }
            }
            Assert.Empty(overflowing);
        });
    }

    [Fact]
    public async Task The_keyboard_skips_to_the_content_and_submits_a_form_with_enter()
    {
        var keyName = "kbd " + Guid.NewGuid().ToString("N")[..6];
        var page = await console.AdminPageAsync("api-keys");
        await console.OnPageAsync(page, async () =>
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys" })).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Tab");
            var skip = page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" });
            await Assertions.Expect(skip).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator("main")).ToBeFocusedAsync();

            // From the content, the first field is reached by Tab, past the page's one link.
            var name = page.GetByLabel("Key name");
            for (var presses = 0; presses < 5 && !await name.EvaluateAsync<bool>("e => e === document.activeElement"); presses++)
            {
                await page.Keyboard.PressAsync("Tab");
            }
            await Assertions.Expect(name).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync(keyName);
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"API key {keyName} created.")).ToBeVisibleAsync();

            // Every field of the page has a name a screen reader reads out.
            var unnamed = await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('input, select, textarea, button')].filter(e => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim())).map(e => e.outerHTML)");
            Assert.Empty(unnamed);
            await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {keyName}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"API key {keyName} revoked.")).ToBeVisibleAsync();
        });
    }
}
