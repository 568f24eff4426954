namespace Console.Tests;

/// <summary>Operator tasks done in the console as a person would, for tests that need their results.</summary>
public static class OperatorSteps
{
    public static async Task CreateGroupAsync(IPage page, string group)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Pool groups" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync(group);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Pool group {group} created.")).ToBeVisibleAsync();
    }

    public static async Task AddMotherAsync(IPage page, string group, int seats)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Mothers" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("mother of " + group);
        await page.GetByLabel("Email").FillAsync($"{group}@mothers.example.test");
        await page.GetByLabel("Pool group").SelectOptionAsync(new SelectOptionValue { Label = group });
        await page.GetByLabel("Seat limit").FillAsync(seats.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Access token").FillAsync("simulated-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add mother" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText($"Mother mother of {group} added with {seats} seats.")).ToBeVisibleAsync();
    }

    /// <summary>The plain codes, as the page shows them this once.</summary>
    public static async Task<IReadOnlyList<string>> GenerateCodesAsync(IPage page, string group, int count)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Redeem codes" }).ClickAsync();
        await page.GetByLabel("Pool group").SelectOptionAsync(new SelectOptionValue { Label = group });
        await page.GetByLabel("Count").FillAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate codes" }).ClickAsync();
        var shown = page.GetByRole(AriaRole.Region, new() { Name = "New codes" }).GetByRole(AriaRole.Listitem);
        await Assertions.Expect(shown).ToHaveCountAsync(count);
        return [.. (await shown.AllInnerTextsAsync()).Select(c => c.Trim())];
    }
}
