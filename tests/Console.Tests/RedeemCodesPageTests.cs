using System.Text.RegularExpressions;

namespace Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed partial class RedeemCodesPageTests(ConsoleFixture console)
{
    [Fact]
    public async Task Generated_codes_are_shown_once_download_as_csv_with_a_line_each_and_list_as_unused()
    {
        var group = "codes-" + Guid.NewGuid().ToString("N")[..10];
        var page = await console.AdminPageAsync("pool/groups");
        await console.OnPageAsync(page, async () =>
        {
            await page.GetByLabel("Name").FillAsync(group);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Pool group {group} created.")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Link, new() { Name = "Redeem codes" }).ClickAsync();
            await page.GetByLabel("Pool group").SelectOptionAsync(new SelectOptionValue { Label = group });
            await page.GetByLabel("Count").FillAsync("4");
            await page.GetByLabel("Seat days").FillAsync("7");
            await page.GetByLabel("Prefix").FillAsync("CT");
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate codes" }).ClickAsync();

            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("4 codes generated.")).ToBeVisibleAsync();
            await Assertions.Expect(page).ToHaveURLAsync(BatchPage());
            var shown = page.GetByRole(AriaRole.Region, new() { Name = "New codes" }).GetByRole(AriaRole.Listitem);
            await Assertions.Expect(shown).ToHaveCountAsync(4);
            var plain = (await shown.AllInnerTextsAsync()).Select(c => c.Trim()).ToList();
            Assert.All(plain, code => Assert.StartsWith("CT", code));

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
            var lines = await File.ReadAllLinesAsync(await download.PathAsync());
            Assert.Equal("code,batch_id,pool_group_id,seat_days", lines[0]);
            Assert.Equal(plain, lines.Skip(1).Select(line => line.Split(',')[0]));

            // The batch's list, which never holds the plain codes.
            var rows = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "unused" });
            await Assertions.Expect(rows).ToHaveCountAsync(4);
            await Assertions.Expect(page.GetByRole(AriaRole.Table)).Not.ToContainTextAsync(plain[0]);
            await ConsoleFixture.DocumentAsync(page, "redeem-codes");
        });
    }

    [GeneratedRegex(@"/console/users/redeem-codes\?batchId=[0-9a-f-]{36}$")]
    private static partial Regex BatchPage();
}
