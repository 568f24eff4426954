using System.Text.RegularExpressions;

namespace Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed partial class SignInTests(ConsoleFixture console)
{
    [Fact]
    public async Task An_administrator_signs_in_by_email_code_and_lands_on_the_users_page_they_asked_for()
    {
        var page = await console.AdminPageAsync("users");

        await console.OnPageAsync(page, async () =>
        {
            await Assertions.Expect(page).ToHaveURLAsync(UsersPage());
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "admin@example.test", Exact = true })).ToBeVisibleAsync();
            await ConsoleFixture.DocumentAsync(page, "users");
        });
    }

    [GeneratedRegex(@"/console/users$")]
    private static partial Regex UsersPage();
}
