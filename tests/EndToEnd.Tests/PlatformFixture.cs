namespace EndToEnd.Tests;

/// <summary>The whole topology (servers, four services, gateway) started once for the tests that share it.</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public AppHostProcess AppHost { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        AppHost = AppHostProcess.Start();
        await AppHost.WaitUntilHealthyAsync(TimeSpan.FromSeconds(180));
    }

    public async Task DisposeAsync() => await AppHost.DisposeAsync();
}
