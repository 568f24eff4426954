extern alias gateway;
extern alias identity;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MassTransit;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Contracts.Identity;
using Platform.ServiceDefaults.Auth;

namespace Identity.Tests;

/// <summary>
/// Real servers, and on them two stacks (identity + two gateway instances): with Redis and without; identity
/// hosts whose code senders talk to stand-in SMTP and SMS providers.
/// </summary>
public sealed class IdentityPlatform : IAsyncLifetime
{
    public ServersFixture Servers { get; } = new();
    public OAuthStandIn OAuth { get; private set; } = null!;
    public HeaderProbe Probe { get; private set; } = null!;
    public RelayProbe Relay { get; private set; } = null!;
    public Stack WithRedis { get; private set; } = null!;
    public Stack WithoutRedis { get; private set; } = null!;
    public SenderHosts Senders { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Servers.InitializeAsync();
        OAuth = await OAuthStandIn.StartAsync();
        Probe = await HeaderProbe.StartAsync();
        Relay = await RelayProbe.StartAsync();
        WithRedis = await Stack.StartAsync(Servers, OAuth, Probe, Relay, redis: true);
        WithoutRedis = await Stack.StartAsync(Servers, OAuth, Probe, Relay, redis: false);
        Senders = await SenderHosts.StartAsync(Servers);
    }

    public async Task DisposeAsync()
    {
        if (WithRedis is not null) await WithRedis.DisposeAsync();
        if (WithoutRedis is not null) await WithoutRedis.DisposeAsync();
        if (Senders is not null) await Senders.DisposeAsync();
        if (OAuth is not null) await OAuth.DisposeAsync();
        if (Probe is not null) await Probe.DisposeAsync();
        if (Relay is not null) await Relay.DisposeAsync();
        await Servers.DisposeAsync();
    }
}

/// <summary>identity and two gateway instances in this process, on real Kestrel ports, sharing one shifted clock.</summary>
public sealed class Stack : IAsyncDisposable
{
    public const string Admin = "admin@example.test";

    /// <summary>The gateways trust X-Forwarded-For from this network only (LoopbackClient's addresses lie outside it).</summary>
    public const string ProxyNetwork = "127.2.0.0/16";
    private static int _nextProxy;

    private readonly List<IAsyncDisposable> _apps = [];
    private IBusControl? _bus;

    private Stack(bool redis) => Redis = redis;

    public bool Redis { get; }
    public ShiftedClock Clock { get; } = new();

    /// <summary>The <see cref="UserBanned"/> events identity published, as another service receives them.</summary>
    public ConcurrentQueue<UserBanned> Banned { get; } = new();
    public CapturedLogs Logs { get; } = new();
    public string IdentityDatabase { get; private set; } = "";
    public Uri Identity { get; private set; } = null!;
    public Uri GatewayA { get; private set; } = null!;
    public Uri GatewayB { get; private set; } = null!;

    /// <summary>The gateways' internal JWT verification key (SPKI, base64), as services get it.</summary>
    public string InternalPublicKey { get; private set; } = "";

    /// <param name="identityDatabase">An existing identity database (one an older release made, say); a new one when null.</param>
    public static async Task<Stack> StartAsync(ServersFixture servers, OAuthStandIn oauth, HeaderProbe probe, RelayProbe relay, bool redis,
        string? identityDatabase = null)
    {
        var stack = new Stack(redis);
        var keys = new InternalTokens();
        stack.InternalPublicKey = keys.PublicKey;
        var vhost = await servers.CreateVirtualHostAsync("identity");
        stack.IdentityDatabase = identityDatabase ?? await servers.CreateDatabaseAsync("identity");

        var shared = new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = vhost,
            ["ConnectionStrings:cache"] = redis ? servers.RedisConnectionString : null,
            ["Cache:Provider"] = redis ? "auto" : "memory",
            ["Outbox:PollInterval"] = "00:00:01",
        };

        var identityPort = FreePort();
        var identityH2cPort = FreePort();
        var gatewayPorts = new[] { FreePort(), FreePort() };
        stack.Identity = new Uri($"http://127.0.0.1:{identityPort}");
        stack.GatewayA = new Uri($"http://127.0.0.1:{gatewayPorts[0]}");
        stack.GatewayB = new Uri($"http://127.0.0.1:{gatewayPorts[1]}");
        // Identity listens as the AppHost's services do, with a second, h2c endpoint the gateways proxy over.
        stack.Start<identity::Program>(identityPort, identityH2cPort, new(shared)
        {
            ["Service:Name"] = "identity",
            ["ConnectionStrings:identitydb"] = stack.IdentityDatabase,
            ["InternalAuth:PublicKey"] = keys.PublicKey,
            ["Identity:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Identity:DevOutbox"] = "true",
            ["Identity:Admins:0"] = Admin,
            ["Identity:AllowedOrigins:0"] = IdentityApi.ConsoleOrigin,
            ["Sessions:Store"] = redis ? "redis" : "postgres",
            ["Identity:OAuth:PublicBaseUrl"] = stack.GatewayA.ToString(),
            ["Identity:OAuth:Providers:standin:ClientId"] = OAuthStandIn.ClientId,
            ["Identity:OAuth:Providers:standin:ClientSecret"] = OAuthStandIn.ClientSecret,
            ["Identity:OAuth:Providers:standin:AuthorizationEndpoint"] = new Uri(oauth.BaseAddress, "/authorize").ToString(),
            ["Identity:OAuth:Providers:standin:TokenEndpoint"] = new Uri(oauth.BaseAddress, "/token").ToString(),
            ["Identity:OAuth:Providers:standin:UserInfoEndpoint"] = new Uri(oauth.BaseAddress, "/userinfo").ToString(),
        });

        var unreachablePort = FreePort();
        foreach (var port in gatewayPorts)
        {
            var services = stack.Start<gateway::Program>(port, h2cPort: null, new(shared)
            {
                ["Service:Name"] = "gateway",
                ["InternalAuth:SigningKey"] = keys.PrivateKey,
                ["services:identity:http:0"] = stack.Identity.ToString().TrimEnd('/'),
                ["services:identity:h2c:0"] = $"http://127.0.0.1:{identityH2cPort}",
                // The probe stands in for users, to show what a service receives.
                ["services:users:http:0"] = probe.BaseAddress.ToString().TrimEnd('/'),
                ["services:users:h2c:0"] = probe.H2cAddress.ToString().TrimEnd('/'),
                // The relay probe stands in for pool; the relay cluster must follow pool's address.
                ["services:pool:http:0"] = relay.BaseAddress.ToString().TrimEnd('/'),
                ["services:pool:h2c:0"] = relay.H2cAddress.ToString().TrimEnd('/'),
                // Nothing listens here: promo stands for a service that cannot be reached.
                ["services:promo:http:0"] = $"http://127.0.0.1:{unreachablePort}",
                ["RateLimits:PerCredentialPerSecond"] = "1000",
                ["RateLimits:PerCredentialBurst"] = "1000",
                // A load balancer in front of the gateways: ProxiedClient connects from this network.
                ["ForwardedHeaders:KnownNetworks:0"] = ProxyNetwork,
            });
            if (port == gatewayPorts[0]) stack.GatewayAServices = services;
        }

        await stack.WaitUntilHealthyAsync();
        stack._bus = await TestBus.StartAsync(vhost, rabbit => rabbit.ReceiveEndpoint("test-observer",
            e => e.Handler<UserBanned>(c => { stack.Banned.Enqueue(c.Message); return Task.CompletedTask; })));
        return stack;
    }

    /// <summary>Signs the configured administrator in (after the resend interval of its previous code).</summary>
    public Task<IdentityApi.SignedIn> SignInAdminAsync(HttpClient client)
    {
        Clock.Advance(TimeSpan.FromSeconds(61));
        return client.SignInNewAsync(Admin);
    }

    /// <summary>A client of gateway A (or B) from its own loopback address, keeping cookies when asked.</summary>
    public HttpClient Client(IPAddress? from = null, bool gatewayB = false, CookieContainer? cookies = null) =>
        LoopbackClient.Create(gatewayB ? GatewayB : GatewayA, from ?? LoopbackClient.NextAddress(), cookies);

    /// <summary>
    /// A client behind the trusted load balancer: connects from an address in <see cref="ProxyNetwork"/> (a new one
    /// each time) and names <paramref name="client"/> in X-Forwarded-For, as the balancer would.
    /// </summary>
    public HttpClient ProxiedClient(string client)
    {
        var n = Interlocked.Increment(ref _nextProxy);
        var http = LoopbackClient.Create(GatewayA, new IPAddress([127, 2, (byte)(n / 250), (byte)(n % 250 + 1)]));
        http.DefaultRequestHeaders.Add("X-Forwarded-For", client);
        return http;
    }

    /// <summary>Gateway A's services (its meters, for reading counters in-process).</summary>
    public IServiceProvider GatewayAServices { get; private set; } = null!;

    private IServiceProvider Start<TProgram>(int port, int? h2cPort, Dictionary<string, string?> settings) where TProgram : class
    {
        var app = new ServiceApp<TProgram>(settings, Clock, Logs);
        app.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            if (h2cPort is { } h2c) kestrel.Listen(IPAddress.Loopback, h2c, listen => listen.Protocols = HttpProtocols.Http2);
        });
        app.StartServer();
        _apps.Add(app);
        return app.Services;
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient();
        foreach (var address in new[] { Identity, GatewayA, GatewayB })
        {
            var healthy = await Eventually.TrueAsync(async () =>
            {
                using var response = await http.GetAsync(new Uri(address, "/alive"));
                return response.IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(30));
            Assert.True(healthy, $"{address} did not come up");
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The claims of an internal JWT (<c>Bearer ...</c>), after checking it as a service would for that audience.</summary>
    public async Task<IDictionary<string, object>> ValidInternalClaimsAsync(string authorization, string audience)
    {
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(InternalPublicKey), out _);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(authorization["Bearer ".Length..], new TokenValidationParameters
        {
            ValidIssuer = InternalClaims.Issuer,
            ValidAudience = audience,
            IssuerSigningKey = new ECDsaSecurityKey(key),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        return validation.Claims;
    }

    /// <summary>Publishes an event as another service would (users' UserDisabled, for example), with the given message id if any.</summary>
    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        _bus!.Publish(message, context => context.MessageId = messageId ?? context.MessageId);

    public async ValueTask DisposeAsync()
    {
        if (_bus is not null) await _bus.StopAsync();
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.DisposeAsync();
        }
    }
}
