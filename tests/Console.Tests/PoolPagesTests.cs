using System.Text.RegularExpressions;

namespace Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed partial class PoolPagesTests(ConsoleFixture console)
{
    [Fact]
    public async Task Sync_of_a_new_group_with_a_mother_toasts_the_counts_then_shows_its_job_succeeding()
    {
        var group = "g-" + Guid.NewGuid().ToString("N")[..10];
        var page = await console.AdminPageAsync("pool/groups");
        await console.OnPageAsync(page, async () =>
        {
            await page.GetByLabel("Name").FillAsync(group);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Pool group {group} created.")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Link, new() { Name = "Mothers" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mothers" })).ToBeVisibleAsync();
            await page.GetByLabel("Name").FillAsync("mother of " + group);
            await page.GetByLabel("Email").FillAsync($"{group}@mothers.example.test");
            await page.GetByLabel("Pool group").SelectOptionAsync(new SelectOptionValue { Label = group });
            await page.GetByLabel("Seat limit").FillAsync("3");
            await page.GetByLabel("Access token").FillAsync("simulated-token");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add mother" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Mother mother of {group} added with 3 seats.")).ToBeVisibleAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = $"{group}@mothers.example.test" });
            await Assertions.Expect(row).ToContainTextAsync("0 / 3");
            await Assertions.Expect(row).ToContainTextAsync("active");
            await ConsoleFixture.DocumentAsync(page, "mothers");

            await page.GetByRole(AriaRole.Link, new() { Name = "Pool groups" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = $"Sync {group}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Sync of {group}: 1 enqueued, 0 reused.")).ToBeVisibleAsync();
            await ConsoleFixture.DocumentAsync(page, "pool-groups-sync");

            // Half a second later: the Jobs page, showing just that job, which the pool's runner finishes.
            await Assertions.Expect(page).ToHaveURLAsync(JobsOfSync());
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Jobs" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Showing the 1 jobs just started.")).ToBeVisibleAsync();
            var job = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "pool_sync_mother" });
            await Assertions.Expect(job).ToHaveCountAsync(1);
            // The status cell itself (the progress cell says "0 succeeded" from the start).
            await Assertions.Expect(job.GetByRole(AriaRole.Cell, new() { Name = "succeeded", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(job).ToContainTextAsync("1 succeeded, 0 failed of 1");
            await ConsoleFixture.DocumentAsync(page, "jobs");

            await job.GetByRole(AriaRole.Link).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payload" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("succeeded", new() { Exact = true })).ToBeVisibleAsync();
            await ConsoleFixture.DocumentAsync(page, "job");
        });
    }

    [Fact]
    public async Task A_mothers_page_shows_its_seats_and_changes_its_seat_limit_and_scheduling()
    {
        var group = "m-" + Guid.NewGuid().ToString("N")[..10];
        var page = await console.AdminPageAsync();
        await console.OnPageAsync(page, async () =>
        {
            await OperatorSteps.CreateGroupAsync(page, group);
            await OperatorSteps.AddMotherAsync(page, group, seats: 2);
            await page.GetByRole(AriaRole.Link, new() { Name = "mother of " + group }).ClickAsync();

            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "mother of " + group })).ToBeVisibleAsync();
            var seats = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = "free", Exact = true }) });
            await Assertions.Expect(seats).ToHaveCountAsync(2);

            await page.GetByLabel("Seat limit").FillAsync("4");
            await page.GetByLabel("Schedulable").UncheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Mother mother of {group} saved.")).ToBeVisibleAsync();
            var facts = page.GetByRole(AriaRole.Definition);
            await Assertions.Expect(facts.Filter(new() { HasText = "0 / 4" })).ToHaveCountAsync(1);
            await Assertions.Expect(facts.Filter(new() { HasTextRegex = new Regex("^no$") })).ToHaveCountAsync(1); // schedulable
            await ConsoleFixture.DocumentAsync(page, "mother");
        });
    }

    [Fact]
    public async Task A_refused_form_shows_the_field_and_the_detail_as_the_api_words_them()
    {
        var page = await console.AdminPageAsync("pool/groups");
        await console.OnPageAsync(page, async () =>
        {
            await page.GetByLabel("Name").FillAsync("has spaces in it");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
            var problem = page.GetByRole(AriaRole.Alert);
            await Assertions.Expect(problem).ToContainTextAsync("name: name is required: 1 to 100 letters, digits, '-', '_' or '.'.");
            await ConsoleFixture.DocumentAsync(page, "pool-groups-refused");
        });
    }

    [GeneratedRegex(@"/console/pool/jobs\?ids=[0-9a-f-]{36}$")]
    private static partial Regex JobsOfSync();
}
