namespace Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class RedemptionTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_second_person_redeems_a_generated_code_and_follows_it_to_a_seat()
    {
        var group = "redeem-" + Guid.NewGuid().ToString("N")[..10];
        IReadOnlyList<string> codes = [];
        var admin = await console.AdminPageAsync();
        await console.OnPageAsync(admin, async () =>
        {
            await OperatorSteps.CreateGroupAsync(admin, group);
            await OperatorSteps.AddMotherAsync(admin, group, seats: 2);
            codes = await OperatorSteps.GenerateCodesAsync(admin, group, count: 2);
        });

        var email = $"redeemer-{Guid.NewGuid():N}@example.test";
        var page = await console.NewPageAsync();
        await console.OnPageAsync(page, async () =>
        {
            await page.GotoAsync("redeem");
            await console.SignInAsync(page, email);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Redeem a code" })).ToBeVisibleAsync();
            await page.GetByLabel("Redeem code").FillAsync(codes[0]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Redeem" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).GetByText("Code accepted: your seat is being set up.")).ToBeVisibleAsync();

            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "team " });
            await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await Assertions.Expect(row.GetByRole(AriaRole.Cell, new() { Name = "fulfilled", Exact = true })).ToBeVisibleAsync();
            await Assertions.Expect(row).ToContainTextAsync($"as {email}");
            await ConsoleFixture.DocumentAsync(page, "redeem");

            // The same code twice: the API's words.
            await page.GetByLabel("Redeem code").FillAsync(codes[0]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Redeem" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This code has already been redeemed.");
        });
    }
}
