using System.Text.Json;
using EndToEnd.Tests;

namespace Console.Tests;

/// <summary>
/// The whole platform (<see cref="PlatformFixture"/>, as the end-to-end tests start it) and Debian's Chromium driven by
/// Playwright (which cannot download a browser of its own here), headless, with a fresh profile.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>How long a fresh browser may take to start the app on a loaded two-core machine.</summary>
    public const float ColdStartTimeout = 90_000;

    private readonly SemaphoreSlim _adminLock = new(1, 1);
    private string? _adminState;
    private IPlaywright? _playwright;

    public PlatformFixture Platform { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The console's address on the gateway, <c>http://127.0.0.1:port/console/</c>.</summary>
    public Uri Console { get; private set; } = null!;

    public HttpClient Gateway => Platform.AppHost.Gateway;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: scripts/prerequisites.sh installs Debian's chromium (test.sh does this).");
        }
        await Platform.InitializeAsync();
        Console = new Uri(Gateway.BaseAddress!, "/console/");
        // A cold start of the app on a busy two-core machine takes a few seconds; every wait is a deadline, not a sleep.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            // As root Chromium needs --no-sandbox; the machine has no network, so nothing in the background may call out.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await Platform.DisposeAsync();
    }

    /// <summary>A fresh browser (its own cookies and cache) whose pages' relative addresses are the console's.</summary>
    public async Task<IPage> NewPageAsync(string? storageState = null)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = Console.ToString(),
            StorageState = storageState,
            ViewportSize = new() { Width = 1200, Height = 760 },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        // What the page said and what failed, for a failing test's message (Describe).
        page.Console += (_, message) => Said(page).Add($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => Said(page).Add($"page error: {error}");
        page.RequestFailed += (_, request) => Said(page).Add($"request failed: {request.Method} {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Said(page).Add($"{response.Status} {response.Request.Method} {response.Url}");
            }
        };
        return page;
    }

    /// <summary>
    /// Signs in on the sign-in page, with the code read back from the development outbox, from wherever
    /// <paramref name="page"/> is (the console sends a signed-out person there, and back afterwards).
    /// </summary>
    public async Task SignInAsync(IPage page, string email)
    {
        // The app's first start in a fresh browser (downloading and compiling the runtime) is the slowest step.
        await page.GetByLabel("Email address").FillAsync(email, new() { Timeout = ColdStartTimeout });
        await page.GetByRole(AriaRole.Button, new() { Name = "Send code" }).ClickAsync();
        await Assertions.Expect(page.GetByText($"A code was sent to {email}")).ToBeVisibleAsync();
        await DocumentAsync(page, "sign-in");
        await page.GetByLabel("Code").FillAsync(await CodeSentToAsync(email));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>
    /// A page signed in as the development administrator. The first call signs in through the console; later ones
    /// reuse that session's cookie (a second code within a minute would be refused).
    /// </summary>
    public async Task<IPage> AdminPageAsync(string path = "")
    {
        await _adminLock.WaitAsync();
        try
        {
            if (_adminState is { } state)
            {
                var signedIn = await NewPageAsync(state);
                await signedIn.GotoAsync(path);
                await Assertions.Expect(signedIn.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync(new() { Timeout = ColdStartTimeout });
                return signedIn;
            }
            var page = await NewPageAsync();
            try
            {
                await page.GotoAsync(path);
                await SignInAsync(page, "admin@example.test");
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                await ScreenshotAsync(page, "admin-sign-in");
                throw new InvalidOperationException("Signing in the administrator failed: " + e.Message + "\n" + Describe(page), e);
            }
            _adminState = await page.Context.StorageStateAsync();
            return page;
        }
        finally
        {
            _adminLock.Release();
        }
    }

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> _said = [];

    private List<string> Said(IPage page) => _said.GetOrCreateValue(page);

    /// <summary>The page's address, what it logged and which requests failed: for a failing test's message.</summary>
    public string Describe(IPage page) => $"at {page.Url}:\n" + string.Join("\n", Said(page).TakeLast(40));

    /// <summary>Runs a test's steps on a page; a failure names what the page said and leaves a screenshot in TestResults.</summary>
    public async Task OnPageAsync(IPage page, Func<Task> steps, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        try
        {
            await steps();
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            await ScreenshotAsync(page, test);
            throw new InvalidOperationException(e.Message + "\n" + Describe(page), e);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>
    /// With <c>CONSOLE_SCREENSHOTS=1</c>, saves the page as <c>docs/console/NAME.png</c> (<c>docs/console.md</c> shows
    /// them); otherwise nothing, so that a test run leaves the work tree as it was.
    /// </summary>
    public static async Task DocumentAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOTS") != "1")
        {
            return;
        }
        var folder = Path.Combine(RepositoryRoot(), "docs", "console");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "aspire.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("aspire.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    /// <summary>The newest code the development outbox holds for the address.</summary>
    public async Task<string> CodeSentToAsync(string email)
    {
        using var outbox = JsonDocument.Parse(await Gateway.GetStringAsync($"/api/identity/dev/outbox?target={Uri.EscapeDataString(email)}"));
        return outbox.RootElement[0].GetProperty("code").GetString()!;
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
