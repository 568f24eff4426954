namespace Identity.Tests;

/// <summary>
/// Servers, stand-ins and the stack of identity, pool and promo behind a gateway that relay plans need; apart from
/// <see cref="IdentityPlatform"/>, which Gateway.Tests shares and which runs no pool or promo.
/// </summary>
public sealed class RelayPlanPlatform : IAsyncLifetime
{
    public ServersFixture Servers { get; } = new();
    public OAuthStandIn OAuth { get; private set; } = null!;
    public HeaderProbe Probe { get; private set; } = null!;
    public RelayProbe Relay { get; private set; } = null!;
    public RelayPlanStack Plans { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Servers.InitializeAsync();
        OAuth = await OAuthStandIn.StartAsync();
        Probe = await HeaderProbe.StartAsync();
        Relay = await RelayProbe.StartAsync();
        Plans = await RelayPlanStack.StartAsync(Servers);
    }

    public async Task DisposeAsync()
    {
        if (Plans is not null) await Plans.DisposeAsync();
        if (OAuth is not null) await OAuth.DisposeAsync();
        if (Probe is not null) await Probe.DisposeAsync();
        if (Relay is not null) await Relay.DisposeAsync();
        await Servers.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RelayPlanCollection : ICollectionFixture<RelayPlanPlatform>
{
    public const string Name = "relay-plans";
}
