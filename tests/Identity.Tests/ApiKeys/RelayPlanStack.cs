extern alias gateway;
extern alias identity;
extern alias pool;
extern alias promo;

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Identity.Tests;

/// <summary>
/// Who may use the relay, end to end: identity, pool, promo and a gateway in this process on real Kestrel ports,
/// sharing one vhost (so promo's paid orders reach pool, and pool's plan changes reach identity) and one shifted
/// clock, with a Messages stand-in as the relay's upstream. Clients speak only to the gateway.
/// </summary>
public sealed class RelayPlanStack : IAsyncDisposable
{
    public const string Admin = "admin@example.test";

    private readonly List<IAsyncDisposable> _apps = [];

    public ShiftedClock Clock { get; } = new();
    public CapturedLogs Logs { get; } = new();
    public LlmStandIn Llm { get; private set; } = null!;
    public Uri Gateway { get; private set; } = null!;
    public string PaymentSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static async Task<RelayPlanStack> StartAsync(ServersFixture servers)
    {
        var stack = new RelayPlanStack();
        stack.Llm = await LlmStandIn.StartAsync();
        var keys = new InternalTokens();
        var vhost = await servers.CreateVirtualHostAsync("relayplans");
        var shared = new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = vhost,
            ["ConnectionStrings:cache"] = servers.RedisConnectionString,
            ["Cache:Provider"] = "auto",
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["InternalAuth:PublicKey"] = keys.PublicKey,
            ["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        var (identityPort, poolPort, promoPort, gatewayPort) = (Stack.FreePort(), Stack.FreePort(), Stack.FreePort(), Stack.FreePort());
        stack.Gateway = new Uri($"http://127.0.0.1:{gatewayPort}");
        stack.Start<identity::Program>(identityPort, new(shared)
        {
            ["Service:Name"] = "identity",
            ["ConnectionStrings:identitydb"] = await servers.CreateDatabaseAsync("identity"),
            ["Identity:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Identity:DevOutbox"] = "true",
            ["Identity:Admins:0"] = Admin,
            ["Identity:Limits:SendsPerIpPerHour"] = "1000",
            ["Sessions:Store"] = "postgres",
        });
        stack.Start<pool::Program>(poolPort, new(shared)
        {
            ["Service:Name"] = "pool",
            ["ConnectionStrings:pooldb"] = await servers.CreateDatabaseAsync("pool"),
            ["Upstream:Mode"] = "simulator",
            ["Relay:UpstreamBaseUrl"] = stack.Llm.BaseAddress.ToString(),
        });
        stack.Start<promo::Program>(promoPort, new(shared)
        {
            ["Service:Name"] = "promo",
            ["ConnectionStrings:promodb"] = await servers.CreateDatabaseAsync("promo"),
            ["Promo:PaymentSecret"] = stack.PaymentSecret,
        });
        stack.Start<gateway::Program>(gatewayPort, new(shared)
        {
            ["Service:Name"] = "gateway",
            ["InternalAuth:SigningKey"] = keys.PrivateKey,
            ["services:identity:http:0"] = $"http://127.0.0.1:{identityPort}",
            ["services:pool:http:0"] = $"http://127.0.0.1:{poolPort}",
            ["services:promo:http:0"] = $"http://127.0.0.1:{promoPort}",
            ["services:users:http:0"] = $"http://127.0.0.1:{Stack.FreePort()}",
            ["RateLimits:PerCredentialPerSecond"] = "1000",
            ["RateLimits:PerCredentialBurst"] = "1000",
            ["RateLimits:PerIpPerSecond"] = "1000",
            ["RateLimits:PerIpBurst"] = "1000",
        });
        using var http = new HttpClient();
        foreach (var port in new[] { identityPort, poolPort, promoPort, gatewayPort })
        {
            Assert.True(await Eventually.TrueAsync(async () =>
            {
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{port}/alive");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60)), $"port {port} did not come up");
        }
        return stack;
    }

    /// <summary>A client of the gateway from its own loopback address.</summary>
    public HttpClient Client() => LoopbackClient.Create(Gateway, LoopbackClient.NextAddress(), null);

    /// <summary>Signs the configured administrator in (after the resend interval of its previous code).</summary>
    public Task<IdentityApi.SignedIn> SignInAdminAsync(HttpClient client)
    {
        Clock.Advance(TimeSpan.FromSeconds(61));
        return client.SignInNewAsync(Admin);
    }

    /// <summary>A relay account (a mother) the stand-in accepts, made by the administrator.</summary>
    public async Task AddAccountAsync(HttpClient client, string adminToken)
    {
        using var group = await client.SendAsync(Json(HttpMethod.Post, "/api/pool/pool-groups", adminToken, new { name = $"relay-{Guid.NewGuid():N}"[..20] }, "pool"));
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        var groupId = (await group.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var mother = await client.SendAsync(Json(HttpMethod.Post, "/api/pool/mothers", adminToken,
            new { name = "relay", email = IdentityApi.NewEmail(), groupId, seatLimit = 1, accessToken = $"relay-{Guid.NewGuid():N}", priority = 1000 }, "pool"));
        Assert.Equal(HttpStatusCode.Created, mother.StatusCode);
    }

    public static HttpRequestMessage Json(HttpMethod method, string path, string token, object? body, string? domain = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) }.WithBearer(token);
        if (domain is not null) request.Headers.Add("X-Domain", domain);
        return request;
    }

    /// <summary>A payment callback signed as the provider would, through the gateway (an anonymous route).</summary>
    public async Task<HttpResponseMessage> PayAsync(HttpClient client, string orderBid, decimal amount)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { orderBid, amount, paymentRef = "pay-" + Guid.NewGuid().ToString("N") });
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        content.Headers.Add(promo::Promo.Api.Payments.PaymentEndpoints.SignatureHeader, promo::Promo.Api.Payments.PaymentEndpoints.Sign(body, PaymentSecret));
        return await client.PostAsync("/api/promo/payments/callback", content);
    }

    private void Start<TProgram>(int port, Dictionary<string, string?> settings) where TProgram : class
    {
        var app = new ServiceApp<TProgram>(settings, Clock, Logs);
        app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1));
        app.StartServer();
        _apps.Add(app);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.DisposeAsync();
        }
        if (Llm is not null) await Llm.DisposeAsync();
    }
}
