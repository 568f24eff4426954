using System.Text.RegularExpressions;
using EndToEnd.Tests;

namespace Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed partial class UsersPageTests(ConsoleFixture console)
{
    [Fact]
    public async Task An_administrator_finds_a_user_by_the_search_in_the_url_and_disables_then_enables_them()
    {
        var email = $"someone-{Guid.NewGuid():N}@example.test";
        await PlatformFixture.SignInAsync(console.Gateway, email);

        var page = await console.AdminPageAsync("users");
        await console.OnPageAsync(page, async () =>
        {
            await page.GetByLabel("Search").FillAsync(email);
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(SearchFor(email));
            // The profile comes from identity's UserRegistered: it may take a moment to reach users.
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = email });
            await Eventually.TrueAsync(async () =>
            {
                if (await row.CountAsync() == 1)
                {
                    return true;
                }
                await page.ReloadAsync();
                return false;
            }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(500));
            await Assertions.Expect(row).ToContainTextAsync("active");

            await row.GetByRole(AriaRole.Button, new() { Name = $"Disable {email}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"{email} is disabled.")).ToBeVisibleAsync();
            await Assertions.Expect(row).ToContainTextAsync("disabled");
            await ConsoleFixture.DocumentAsync(page, "users-disabled");

            await page.GetByLabel("Status").SelectOptionAsync("disabled");
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("status=disabled"));
            await Assertions.Expect(row).ToHaveCountAsync(1);

            await row.GetByRole(AriaRole.Button, new() { Name = $"Enable {email}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"{email} is active.")).ToBeVisibleAsync();
            await Assertions.Expect(row).ToHaveCountAsync(0); // no longer disabled, so out of this filter
        });
    }

    [Fact]
    public async Task Disabling_everyone_a_search_matches_runs_as_one_job_whose_counts_the_console_shows()
    {
        var marker = "bulk" + Guid.NewGuid().ToString("N")[..12];
        string[] emails = [$"{marker}-a@example.test", $"{marker}-b@example.test"];
        foreach (var email in emails)
        {
            await PlatformFixture.SignInAsync(console.Gateway, email);
        }

        var page = await console.AdminPageAsync($"users?q={marker}");
        await console.OnPageAsync(page, async () =>
        {
            // Both profiles come from identity's UserRegistered.
            var rows = page.GetByRole(AriaRole.Row).Filter(new() { HasText = marker });
            await Eventually.TrueAsync(async () =>
            {
                if (await rows.CountAsync() == 2)
                {
                    return true;
                }
                await page.ReloadAsync();
                return false;
            }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(500));
            await Assertions.Expect(rows).ToHaveCountAsync(2);

            await page.GetByRole(AriaRole.Button, new() { Name = "Disable all matching" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("Disabling 2 users as one job.")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "User jobs" })).ToBeVisibleAsync();
            var job = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "user_bulk_disable" });
            await Assertions.Expect(job.GetByRole(AriaRole.Cell, new() { Name = "succeeded", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(job).ToContainTextAsync("2 succeeded, 0 failed of 2");
            await ConsoleFixture.DocumentAsync(page, "user-jobs");

            await page.GotoAsync($"users?q={marker}&status=disabled");
            await Assertions.Expect(rows).ToHaveCountAsync(2);
        });
    }

    private static Regex SearchFor(string email) => new("/console/users\\?q=" + Regex.Escape(Uri.EscapeDataString(email)) + "$");
}
