using System.Text;
using System.Text.RegularExpressions;

namespace Console.Tests;

/// <summary>Mothers added in bulk from a CSV file as one job, each bad line reported by its number; a failed job retried.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BulkAddMothersTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_csv_file_of_mothers_is_one_job_that_adds_the_good_lines_and_reports_the_bad_one_by_line()
    {
        var group = "b-" + Guid.NewGuid().ToString("N")[..10];
        var page = await console.AdminPageAsync();
        await console.OnPageAsync(page, async () =>
        {
            await OperatorSteps.CreateGroupAsync(page, group);
            await page.GotoAsync("pool/mothers?bulk=true");
            var form = page.GetByRole(AriaRole.Form, new() { Name = "Bulk add mothers" });
            await form.GetByLabel("Group of the new mothers").SelectOptionAsync(new SelectOptionValue { Label = group });
            await form.GetByLabel("Seats each").FillAsync("2");
            var csv = $"name,email,access_token\n{group} one,{group}-1@mothers.example.test,simulated-1\n{group} bad,not-an-email,simulated-2\n{group} two,{group}-2@mothers.example.test,simulated-3\n";
            await form.GetByLabel("Or a CSV file").SetInputFilesAsync(new FilePayload { Name = "mothers.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
            await Assertions.Expect(form.GetByLabel("Mothers, one a line")).ToHaveValueAsync(new Regex($"^name,email,access_token\\n{group} one,"));
            await form.GetByRole(AriaRole.Button, new() { Name = "Add these mothers" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("Adding 3 mothers as one job.")).ToBeVisibleAsync();

            var result = page.GetByRole(AriaRole.Region, new() { Name = "Bulk add" });
            await Assertions.Expect(result.GetByRole(AriaRole.Status)).ToContainTextAsync("succeeded 2 added, 1 failed of 3 lines.", new() { Timeout = 30_000 });
            var failed = result.GetByRole(AriaRole.List, new() { Name = "Lines that failed" }).GetByRole(AriaRole.Listitem);
            await Assertions.Expect(failed).ToHaveTextAsync(["line 3: not-an-email is not an email address"]);
            // The list below is read again: the two good lines are mothers with two seats each.
            foreach (var n in new[] { 1, 2 })
            {
                await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = $"{group}-{n}@mothers.example.test" })).ToContainTextAsync("0 / 2");
            }
            await ConsoleFixture.DocumentAsync(page, "mothers-bulk");
        });
    }

    [Fact]
    public async Task A_bulk_add_whose_every_line_fails_is_a_failed_job_that_can_be_retried_from_its_page()
    {
        var group = "r-" + Guid.NewGuid().ToString("N")[..10];
        var page = await console.AdminPageAsync();
        await console.OnPageAsync(page, async () =>
        {
            await OperatorSteps.CreateGroupAsync(page, group);
            await page.GotoAsync("pool/mothers?bulk=true");
            var form = page.GetByRole(AriaRole.Form, new() { Name = "Bulk add mothers" });
            await form.GetByLabel("Group of the new mothers").SelectOptionAsync(new SelectOptionValue { Label = group });
            await form.GetByLabel("Mothers, one a line").FillAsync($"{group},{group}@mothers.example.test,invalid-token");
            await form.GetByRole(AriaRole.Button, new() { Name = "Add these mothers" }).ClickAsync();
            await page.GetByRole(AriaRole.Region, new() { Name = "Bulk add" }).GetByRole(AriaRole.Link, new() { Name = "The job" }).ClickAsync();

            // Each attempt fails; after the last (with the queue's backoff in between) the job is failed.
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payload" })).ToBeVisibleAsync();
            var status = page.GetByRole(AriaRole.Definition).Filter(new() { HasTextRegex = new Regex("^(pending|running|failed|succeeded)$") });
            await Assertions.Expect(status).ToHaveTextAsync("failed", new() { Timeout = 90_000 });
            await Assertions.Expect(page.GetByText("line 1: the upstream refused the access token")).ToBeVisibleAsync();
            await ConsoleFixture.DocumentAsync(page, "job-failed");

            await page.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("The job is pending again.")).ToBeVisibleAsync();
            await Assertions.Expect(status).ToHaveTextAsync(new Regex("^(pending|running)$"));
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToHaveCountAsync(0);
        });
    }
}
