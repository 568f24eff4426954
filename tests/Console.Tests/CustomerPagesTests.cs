namespace Console.Tests;

/// <summary>The pages any signed-in person has: API keys, profile, own usage.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CustomerPagesTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_customer_creates_an_api_key_that_is_shown_once_then_revokes_it()
    {
        var email = $"keys-{Guid.NewGuid():N}@example.test";
        var keyName = "laptop " + Guid.NewGuid().ToString("N")[..6];
        var page = await console.NewPageAsync();
        await console.OnPageAsync(page, async () =>
        {
            await page.GotoAsync("api-keys");
            await console.SignInAsync(page, email);
            // Back where they were going.
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys" })).ToBeVisibleAsync();

            await page.GetByLabel("Key name").FillAsync(keyName);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"API key {keyName} created.")).ToBeVisibleAsync();
            var shown = page.GetByRole(AriaRole.Region, new() { Name = $"New key {keyName}" }).GetByLabel("The new key");
            await Assertions.Expect(shown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^sk-.{20,}$"));
            var key = (await shown.InnerTextAsync()).Trim();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = keyName });
            await Assertions.Expect(row).ToContainTextAsync("active");
            var prefix = (await row.GetByRole(AriaRole.Cell).Nth(1).InnerTextAsync()).Trim().TrimEnd('…');
            Assert.StartsWith(prefix, key);
            Assert.True(prefix.Length < key.Length, "the list shows only the key's prefix");
            await ConsoleFixture.DocumentAsync(page, "api-key-created");

            // Shown once: gone when dismissed, and not there after a reload either.
            await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
            await Assertions.Expect(page.GetByText(key)).ToHaveCountAsync(0);
            await page.ReloadAsync();
            await Assertions.Expect(row).ToContainTextAsync("active");
            await Assertions.Expect(page.GetByText(key)).ToHaveCountAsync(0);

            await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {keyName}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"API key {keyName} revoked.")).ToBeVisibleAsync();
            await Assertions.Expect(row).ToContainTextAsync("revoked");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {keyName}" })).ToHaveCountAsync(0);
            await ConsoleFixture.DocumentAsync(page, "api-keys");

            // A refused form shows the API's words on the form.
            await page.GetByLabel("Key name").FillAsync(new string('k', 101));
            await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("name is required (1 to 100 characters).");
        });
    }

    [Fact]
    public async Task A_customer_edits_their_profile_is_told_why_a_bad_language_is_refused_and_sees_their_usage()
    {
        var email = $"profile-{Guid.NewGuid():N}@example.test";
        var page = await console.NewPageAsync();
        await console.OnPageAsync(page, async () =>
        {
            await page.GotoAsync("profile");
            await console.SignInAsync(page, email);
            var profile = page.GetByRole(AriaRole.Definition).Filter(new() { HasText = email });
            await Assertions.Expect(profile).ToBeVisibleAsync();

            await page.GetByLabel("Display name").FillAsync("Ada Tester");
            await page.GetByLabel("Language").FillAsync("en-GB");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("Profile saved.")).ToBeVisibleAsync();
            await page.ReloadAsync();
            await Assertions.Expect(page.GetByLabel("Display name")).ToHaveValueAsync("Ada Tester");
            await Assertions.Expect(page.GetByLabel("Language")).ToHaveValueAsync("en-GB");
            await ConsoleFixture.DocumentAsync(page, "profile");

            await page.GetByLabel("Language").FillAsync("not a language");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("locale must be a language tag such as en or zh-CN.");

            await page.GetByRole(AriaRole.Link, new() { Name = "Your usage" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your usage" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("No usage in this period.")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("day buckets by key")).ToBeVisibleAsync();
            // The window is kept in the address.
            await page.GetByLabel("Period").SelectOptionAsync("hour");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"usage\?by=key&period=hour$"));
            await Assertions.Expect(page.GetByText("hour buckets by key")).ToBeVisibleAsync();
            await ConsoleFixture.DocumentAsync(page, "usage");
        });
    }
}
