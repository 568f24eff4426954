using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Auth;

namespace Pool.Tests;

/// <summary>
/// Real servers, the upstream stand-in, and on them two pool stacks: with Redis and without. Each stack is two pool
/// instances on one database (two job runners, two competing consumers) and a test bus on the stack's vhost.
/// </summary>
public sealed class PoolPlatform : IAsyncLifetime
{
    public ServersFixture Servers { get; } = new();
    public UpstreamStandIn Upstream { get; private set; } = null!;
    public ECDsa SigningKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public PoolStack WithRedis { get; private set; } = null!;
    public PoolStack WithoutRedis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Servers.InitializeAsync();
        Upstream = await UpstreamStandIn.StartAsync();
        WithRedis = await PoolStack.StartAsync(this, redis: true);
        WithoutRedis = await PoolStack.StartAsync(this, redis: false);
    }

    public async Task DisposeAsync()
    {
        if (WithRedis is not null) await WithRedis.DisposeAsync();
        if (WithoutRedis is not null) await WithoutRedis.DisposeAsync();
        if (Upstream is not null) await Upstream.DisposeAsync();
        await Servers.DisposeAsync();
    }

    /// <summary>Settings every pool instance gets, as the AppHost would set them, with small timeouts.</summary>
    public Dictionary<string, string?> BaseSettings(string database, string? vhost, bool redis) => new()
    {
        ["Service:Name"] = "pool",
        ["ConnectionStrings:pooldb"] = database,
        ["ConnectionStrings:messaging"] = vhost,
        ["ConnectionStrings:cache"] = redis ? Servers.RedisConnectionString : null,
        ["Cache:Provider"] = redis ? "auto" : "memory",
        ["InternalAuth:PublicKey"] = Convert.ToBase64String(SigningKey.ExportSubjectPublicKeyInfo()),
        ["DataProtection:KeyEncryptionKey"] = KeyEncryptionKey,
        ["Upstream:Mode"] = "http",
        ["Upstream:BaseUrl"] = Upstream.BaseAddress.ToString(),
        ["Upstream:RetryDelayMilliseconds"] = "1",
        ["Outbox:PollInterval"] = "00:00:00.200",
        ["Jobs:VisibilityTimeoutSeconds"] = "3",
        ["Jobs:PollIntervalMilliseconds"] = "100",
        ["Jobs:BackoffSeconds"] = "1",
        ["Jobs:MaxBackoffSeconds"] = "10",
        ["Jobs:Workers"] = "2",
        ["Pool:SeatHoldSeconds"] = "5",
    };

    public string KeyEncryptionKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Two pool instances on one database and vhost, sharing a shifted clock, plus a test bus.</summary>
public sealed class PoolStack : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _apps = [];

    private PoolStack(PoolPlatform platform, bool redis)
    {
        Platform = platform;
        Redis = redis;
    }

    public PoolPlatform Platform { get; }
    public bool Redis { get; }
    public UpstreamStandIn Upstream => Platform.Upstream;
    public ShiftedClock Clock { get; } = new();
    public JobProbe Probe { get; } = new();
    public string Database { get; private set; } = "";
    public PoolApp A { get; private set; } = null!;
    public PoolApp B { get; private set; } = null!;
    public SagaBus Bus { get; private set; } = null!;

    public static async Task<PoolStack> StartAsync(PoolPlatform platform, bool redis)
    {
        var stack = new PoolStack(platform, redis);
        var vhost = await platform.Servers.CreateVirtualHostAsync("pool");
        stack.Database = await platform.Servers.CreateDatabaseAsync("pool");
        var settings = platform.BaseSettings(stack.Database, vhost, redis);
        stack.A = stack.Start(settings, "a");
        stack.B = stack.Start(settings, "b");
        stack.Bus = await SagaBus.StartAsync(vhost);
        stack._apps.Add(stack.Bus);
        await stack.A.WaitUntilAliveAsync();
        await stack.B.WaitUntilAliveAsync();
        return stack;
    }

    private PoolApp Start(Dictionary<string, string?> settings, string instance)
    {
        var app = new PoolApp(settings, Clock, services => services.AddSingleton(Probe).AddJobHandler<JobProbe.Handler>(JobProbe.Type)
            .AddSingleton(new JobProbe.Instance(instance)));
        _apps.Add(app);
        return app;
    }

    /// <summary>An admin client of instance A (or B), minting a fresh internal JWT per request, with X-Domain: pool unless told.</summary>
    public HttpClient Admin(bool b = false, string? domain = "pool", string role = "admin") =>
        // JwtBearer checks lifetimes against the real clock, not the app's TimeProvider: mint with the real one.
        (b ? B : A).Client(Platform.SigningKey, TimeProvider.System, role, domain);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.DisposeAsync();
        }
    }
}

/// <summary>Pool.Api hosted in this process on a real Kestrel port.</summary>
public sealed class PoolApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly TimeProvider _clock;
    private readonly Action<IServiceCollection>? _services;

    public PoolApp(Dictionary<string, string?> settings, TimeProvider clock, Action<IServiceCollection>? services = null)
    {
        _settings = settings;
        _clock = clock;
        _services = services;
        Address = new Uri($"http://127.0.0.1:{PoolPlatform.FreePort()}");
        UseKestrel(Address.Port);
        StartServer();
    }

    public Uri Address { get; }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        // Host configuration is visible while Program.cs runs, unlike ConfigureAppConfiguration.
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(_settings));
        return base.CreateHost(builder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton(_clock));
            _services?.Invoke(services);
        });
    }

    public async Task WaitUntilAliveAsync()
    {
        using var http = new HttpClient { BaseAddress = Address };
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync("/alive");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60)), $"{Address} did not come up");
    }

    public HttpClient Client(ECDsa signingKey, TimeProvider clock, string role = "admin", string? domain = "pool") =>
        PoolClient.Create(Address, signingKey, clock, role, domain);
}

/// <summary>HTTP clients that carry an internal JWT as the gateway would mint it (audience pool).</summary>
public static class PoolClient
{
    public static HttpClient Create(Uri address, ECDsa signingKey, TimeProvider clock, string role, string? domain)
    {
        var client = new HttpClient(new TokenHandler(new InternalTokenIssuer(signingKey, clock), role)) { BaseAddress = address };
        if (domain is not null)
        {
            client.DefaultRequestHeaders.Add("X-Domain", domain);
        }
        return client;
    }

    private sealed class TokenHandler(InternalTokenIssuer issuer, string role) : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly string _subject = Guid.NewGuid().ToString();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization ??= new("Bearer", issuer.Issue("pool",
            [
                new(InternalClaims.Subject, _subject),
                new(InternalClaims.Roles, role),
                new(InternalClaims.CredentialType, InternalClaims.Types.Token),
                new(InternalClaims.CredentialId, "test-token"),
                new(InternalClaims.ClientAddress, "127.0.0.1"),
            ], TimeSpan.FromSeconds(60)));
            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>One platform for the whole test assembly; xunit needs the collection defined here.</summary>
[CollectionDefinition(Name)]
public sealed class PoolCollection : ICollectionFixture<PoolPlatform>
{
    public const string Name = "pool-platform";
}
