using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Claims;
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
    public LlmStandIn Llm { get; private set; } = null!;
    /// <summary>The relay's own stack (its own database, so only its tests' accounts are scheduled), A with Redis, B without.</summary>
    public PoolStack Relay { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Servers.InitializeAsync();
        Upstream = await UpstreamStandIn.StartAsync();
        Llm = await LlmStandIn.StartAsync();
        WithRedis = await PoolStack.StartAsync(this, redis: true);
        WithoutRedis = await PoolStack.StartAsync(this, redis: false);
        Relay = await PoolStack.StartAsync(this, redis: true, relayWithoutRedisOnB: true);
    }

    public async Task DisposeAsync()
    {
        if (WithRedis is not null) await WithRedis.DisposeAsync();
        if (WithoutRedis is not null) await WithoutRedis.DisposeAsync();
        if (Relay is not null) await Relay.DisposeAsync();
        if (Upstream is not null) await Upstream.DisposeAsync();
        if (Llm is not null) await Llm.DisposeAsync();
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
        ["Relay:UpstreamBaseUrl"] = Llm.BaseAddress.ToString(),
        ["Relay:SlotLeaseSeconds"] = "180",
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

    public static async Task<PoolStack> StartAsync(PoolPlatform platform, bool redis, bool relayWithoutRedisOnB = false)
    {
        var stack = new PoolStack(platform, redis);
        var vhost = await platform.Servers.CreateVirtualHostAsync("pool");
        stack.Database = await platform.Servers.CreateDatabaseAsync("pool");
        stack._vhost = vhost;
        var settings = platform.BaseSettings(stack.Database, vhost, redis);
        stack.A = stack.Start(settings, "a");
        stack.B = stack.Start(relayWithoutRedisOnB ? platform.BaseSettings(stack.Database, vhost, redis: false) : settings, "b");
        stack.Bus = await SagaBus.StartAsync(vhost);
        stack._apps.Add(stack.Bus);
        await stack.A.WaitUntilAliveAsync();
        await stack.B.WaitUntilAliveAsync();
        return stack;
    }

    private string? _vhost;

    /// <summary>One more instance on this stack's database with some settings (and services) changed; the caller disposes it.</summary>
    public async Task<PoolApp> StartInstanceAsync(Dictionary<string, string?> overrides, Action<IServiceCollection>? services = null)
    {
        var settings = Platform.BaseSettings(Database, _vhost, Redis);
        foreach (var (key, value) in overrides) settings[key] = value;
        var app = new PoolApp(settings, Clock, services);
        await app.WaitUntilAliveAsync();
        return app;
    }

    /// <summary>
    /// A client of instance A (or <paramref name="on"/>) calling as an API key with the relay scope, as the gateway
    /// forwards <c>/v1/**</c>. Its owner holds a roomy relay plan (<see cref="RoomyPlan"/>, given by an admin before
    /// its first request) unless <paramref name="plan"/> is false.
    /// </summary>
    public HttpClient ApiKey(string keyId, Guid userId, int? concurrency = null, decimal? dailyCost = null, PoolApp? on = null, bool plan = true,
        string[]? scopes = null) =>
        PoolClient.ApiKey((on ?? A).Address, Platform.SigningKey, keyId, userId, concurrency, dailyCost, scopes,
            plan ? () => _plans.GetOrAdd(userId, id => GrantPlanAsync(id, RoomyPlan)) : null);

    /// <summary>Limits no relay test reaches unless it means to: any model, no end.</summary>
    public static readonly object RoomyPlan = new { dailyCost = 1_000_000m, requestsPerMinute = 100_000, concurrency = 10_000 };

    private readonly ConcurrentDictionary<Guid, Task> _plans = new();

    /// <summary>Gives the user this relay plan as an administrator (PUT /api/pool/relay/plans/{userId}).</summary>
    public async Task GrantPlanAsync(Guid userId, object plan)
    {
        using var admin = Admin();
        using var response = await admin.PutAsJsonAsync($"/api/pool/relay/plans/{userId}", plan);
        Assert.True(response.IsSuccessStatusCode, $"granting a plan: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
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

    /// <summary>A client of instance A for a user (not an admin) holding these <c>resource:access</c> grants, with X-Domain: pool.</summary>
    public HttpClient Granted(params string[] permissions) => PoolClient.Granted(A.Address, Platform.SigningKey, permissions);

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
            // Instances stop and start during the run: one stopping must not silence the others' /metrics.
            services.Replace(ServiceDescriptor.Singleton<IMeterFactory, KeptMeterFactory>());
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

    public static HttpClient ApiKey(Uri address, ECDsa signingKey, string keyId, Guid userId, int? concurrency, decimal? dailyCost,
        string[]? scopes = null, Func<Task>? beforeFirst = null)
    {
        var claims = new List<Claim>
        {
            new(InternalClaims.Subject, userId.ToString()),
            new(InternalClaims.Roles, "user"),
            new(InternalClaims.CredentialType, InternalClaims.Types.ApiKey),
            new(InternalClaims.CredentialId, keyId),
            new(InternalClaims.ClientAddress, "127.0.0.1"),
        };
        if (concurrency is { } c) claims.Add(new(InternalClaims.KeyConcurrency, c.ToString(CultureInfo.InvariantCulture)));
        if (dailyCost is { } d) claims.Add(new(InternalClaims.KeyDailyCost, d.ToString(CultureInfo.InvariantCulture)));
        claims.AddRange((scopes ?? [InternalClaims.Scopes.Relay]).Select(s => new Claim(InternalClaims.Scope, s)));
        return new HttpClient(new ClaimsHandler(new InternalTokenIssuer(signingKey, TimeProvider.System), claims, beforeFirst)) { BaseAddress = address };
    }

    public static HttpClient Granted(Uri address, ECDsa signingKey, IEnumerable<string> permissions)
    {
        var claims = new List<Claim>
        {
            new(InternalClaims.Subject, Guid.NewGuid().ToString()),
            new(InternalClaims.Roles, "user"),
            new(InternalClaims.CredentialType, InternalClaims.Types.Token),
            new(InternalClaims.CredentialId, "test-token"),
            new(InternalClaims.ClientAddress, "127.0.0.1"),
        };
        claims.AddRange(permissions.Select(p => new Claim(InternalClaims.Permissions, p)));
        var client = new HttpClient(new ClaimsHandler(new InternalTokenIssuer(signingKey, TimeProvider.System), claims)) { BaseAddress = address };
        client.DefaultRequestHeaders.Add("X-Domain", "pool");
        return client;
    }

    private sealed class ClaimsHandler(InternalTokenIssuer issuer, IReadOnlyList<Claim> claims, Func<Task>? beforeFirst = null)
        : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (beforeFirst is not null) await beforeFirst();
            request.Headers.Authorization ??= new("Bearer", issuer.Issue("pool", claims, TimeSpan.FromSeconds(60)));
            return await base.SendAsync(request, cancellationToken);
        }
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
