namespace Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SystemPageTests(ConsoleFixture console)
{
    [Fact]
    public async Task An_administrator_sees_every_service_reporting()
    {
        var page = await console.AdminPageAsync("system");
        await console.OnPageAsync(page, async () =>
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "System" })).ToBeVisibleAsync();
            foreach (var service in PlatformFixtureServices)
            {
                var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = service, Exact = true }) });
                await Assertions.Expect(row).ToContainTextAsync("ok");
            }
            await ConsoleFixture.DocumentAsync(page, "system");
        });
    }

    private static readonly string[] PlatformFixtureServices = EndToEnd.Tests.PlatformFixture.Services;
}
