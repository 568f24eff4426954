namespace Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class AccessTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_person_without_grants_sees_no_operator_pages_and_is_told_which_grant_a_page_needs()
    {
        var email = $"customer-{Guid.NewGuid():N}@example.test";
        var page = await console.NewPageAsync();
        await console.OnPageAsync(page, async () =>
        {
            await page.GotoAsync("");
            await console.SignInAsync(page, email);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome" })).ToBeVisibleAsync();
            await ConsoleFixture.DocumentAsync(page, "home-without-grants");
            var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Home" })).ToBeVisibleAsync();
            foreach (var operatorPage in new[] { "Users", "Pool groups", "Mothers", "Jobs", "System" })
            {
                await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = operatorPage })).ToHaveCountAsync(0);
            }

            await page.GotoAsync("users");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Not allowed. This page needs the users.profiles grant (read)");
            await ConsoleFixture.DocumentAsync(page, "not-allowed");

            // Every operator page names its own grant.
            await page.GotoAsync("pool/jobs");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("pool.jobs");
        });
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_a_page_then_leads_to_sign_in_and_back()
    {
        var email = $"leaver-{Guid.NewGuid():N}@example.test";
        var page = await console.NewPageAsync();
        await console.OnPageAsync(page, async () =>
        {
            await page.GotoAsync("");
            await console.SignInAsync(page, email);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

            await page.GotoAsync("pool/groups");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/console/sign-in\?returnUrl=%2Fpool%2Fgroups$"));
        });
    }
}
