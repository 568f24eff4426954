using System.Text.RegularExpressions;

namespace Console.Tests;

/// <summary>Access: grants per person and resource, bans, the audit log; and an API refusal naming the grant it needs.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AccessPagesTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_grant_given_in_the_console_opens_its_page_and_is_audited_and_revoked()
    {
        var email = $"granted-{Guid.NewGuid():N}@example.test";
        var customer = await console.NewPageAsync();
        await console.OnPageAsync(customer, async () =>
        {
            await customer.GotoAsync("profile");
            await console.SignInAsync(customer, email);
            var userId = (await customer.GetByLabel("Account id").InnerTextAsync()).Trim();

            var admin = await console.AdminPageAsync($"access/grants?user={userId}");
            await console.OnPageAsync(admin, async () =>
            {
                // Named by email when on the people list's page, else by id.
                await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Grants of" })).ToBeVisibleAsync();
                await Assertions.Expect(admin.GetByText("No grants.")).ToBeVisibleAsync();
                await admin.GetByLabel("Resource").SelectOptionAsync("pool.mothers");
                await admin.GetByLabel("Access").SelectOptionAsync("read");
                await admin.GetByRole(AriaRole.Button, new() { Name = "Grant", Exact = true }).ClickAsync();
                await Assertions.Expect(admin.GetByRole(AriaRole.Status).GetByText(new Regex(" may now read pool\\.mothers\\.$"))).ToBeVisibleAsync();
                await Assertions.Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "pool.mothers" })).ToContainTextAsync("read");
                await ConsoleFixture.DocumentAsync(admin, "grants");

                // The page opens for them once the gateway has dropped what it cached of them.
                var mothers = customer.GetByRole(AriaRole.Heading, new() { Name = "Mothers", Exact = true });
                Assert.True(await Eventually.TrueAsync(async () =>
                {
                    await customer.GotoAsync("pool/mothers", new() { WaitUntil = WaitUntilState.NetworkIdle });
                    return await mothers.CountAsync() == 1;
                }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250)), "the Mothers page did not open after the grant: " + console.Describe(customer));
                await ConsoleFixture.DocumentAsync(customer, "missing-grant");

                await admin.GotoAsync($"access/audit?entity={userId}");
                var audited = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "grant_permission" });
                await Assertions.Expect(audited).ToHaveCountAsync(1);
                // Who did it, with their address masked.
                await Assertions.Expect(audited).ToContainTextAsync("a***n@example.test");
                await ConsoleFixture.DocumentAsync(admin, "audit");

                await admin.GotoAsync($"access/grants?user={userId}");
                await admin.GetByRole(AriaRole.Button, new() { Name = "Revoke pool.mothers" }).ClickAsync();
                await Assertions.Expect(admin.GetByRole(AriaRole.Status).GetByText(new Regex("^pool\\.mothers revoked from "))).ToBeVisibleAsync();
                await Assertions.Expect(admin.GetByText("No grants.")).ToBeVisibleAsync();
            });
        });
    }

    [Fact]
    public async Task An_address_ban_is_added_listed_and_lifted_and_a_bad_address_is_refused_in_the_apis_words()
    {
        var address = $"198.51.100.{Random.Shared.Next(1, 254)}";
        var page = await console.AdminPageAsync("access/bans");
        await console.OnPageAsync(page, async () =>
        {
            await page.GetByLabel("Address or target").FillAsync("not-an-address");
            await page.GetByRole(AriaRole.Button, new() { Name = "Ban", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("value must be an IP address.");

            await page.GetByLabel("Address or target").FillAsync(address);
            await page.GetByLabel("Hours").FillAsync("2");
            await page.GetByLabel("Reason").FillAsync("console test");
            await page.GetByRole(AriaRole.Button, new() { Name = "Ban", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText(new Regex($"^{Regex.Escape(address)} banned until "))).ToBeVisibleAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = address });
            await Assertions.Expect(row).ToContainTextAsync("console test");
            await ConsoleFixture.DocumentAsync(page, "bans");

            await page.GetByRole(AriaRole.Button, new() { Name = $"Lift the ban on {address}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Ban on {address} lifted.")).ToBeVisibleAsync();
            await Assertions.Expect(row).ToHaveCountAsync(0);
        });
    }
}
