using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using MassTransit;
using Npgsql;
using Platform.Contracts.Promo;
using Promo.Api.Payments;

namespace Promo.Tests;

[CollectionDefinition(Name)]
public sealed class PromoCollection : ICollectionFixture<PromoPlatform>
{
    public const string Name = "promo-platform";
}

/// <summary>
/// Real servers, and on them the promo service twice over one database (two order sweepers competing for the same
/// rows), sharing a shifted clock: instance A with Redis, instance B without.
/// </summary>
public sealed class PromoPlatform : IAsyncLifetime
{
    private ServiceApp<Program> _a = null!;
    private ServiceApp<Program> _b = null!;
    private IBusControl? _bus;

    /// <summary>The relay purchases promo published, as pool receives them.</summary>
    public ConcurrentQueue<RelayPlanPurchased> RelayPurchases { get; } = new();

    public ServersFixture Servers { get; } = new();
    public ShiftedClock Clock { get; } = new();
    public CapturedLogs Logs { get; } = new();
    public InternalTokens Tokens { get; } = new();
    public string PaymentSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public string Database { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Servers.InitializeAsync();
        Database = await Servers.CreateDatabaseAsync("promo");
        var vhost = await Servers.CreateVirtualHostAsync("promo");
        _a = Start(vhost, redis: true);
        _b = Start(vhost, redis: false);
        foreach (var app in new[] { _a, _b })
        {
            using var client = app.CreateClient();
            Assert.True(await Eventually.TrueAsync(async () => (await client.GetAsync("/health")).IsSuccessStatusCode, TimeSpan.FromSeconds(60)));
        }
        _bus = await TestBus.StartAsync(vhost, rabbit => rabbit.ReceiveEndpoint("promo-tests-relay", e =>
            e.Handler<RelayPlanPurchased>(c =>
            {
                RelayPurchases.Enqueue(c.Message);
                return Task.CompletedTask;
            })));
    }

    private ServiceApp<Program> Start(string vhost, bool redis) => new(new Dictionary<string, string?>
    {
        ["Service:Name"] = "promo",
        ["ConnectionStrings:promodb"] = Database,
        ["ConnectionStrings:messaging"] = vhost,
        ["ConnectionStrings:cache"] = redis ? Servers.RedisConnectionString : null,
        ["Cache:Provider"] = redis ? "auto" : "memory",
        ["InternalAuth:PublicKey"] = Tokens.PublicKey,
        ["Promo:PaymentSecret"] = PaymentSecret,
        ["Promo:SweepIntervalMilliseconds"] = "200",
    }, Clock, Logs);

    public async Task DisposeAsync()
    {
        if (_bus is not null) await _bus.StopAsync();
        if (_a is not null) await _a.DisposeAsync();
        if (_b is not null) await _b.DisposeAsync();
        await Servers.DisposeAsync();
    }

    /// <summary>A client of instance A (or B) carrying a signed-in user's internal JWT.</summary>
    public HttpClient Buyer(Guid userId, bool b = false)
    {
        var client = (b ? _b : _a).CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For("promo", userId));
        return client;
    }

    public HttpClient Buyer(out Guid userId, bool b = false) => Buyer(userId = Guid.NewGuid(), b);

    public HttpClient Admin(bool withDomain = true)
    {
        var client = _a.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For("promo", Guid.NewGuid(), "admin@example.test", null, "user", "admin"));
        if (withDomain) client.DefaultRequestHeaders.Add("X-Domain", "promo");
        return client;
    }

    /// <summary>A user (not an admin) holding these grants, naming the promo domain.</summary>
    public HttpClient Granted(params string[] permissions)
    {
        var client = _a.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.WithGrants("promo", Guid.NewGuid(), permissions));
        client.DefaultRequestHeaders.Add("X-Domain", "promo");
        return client;
    }

    /// <summary>No credential at all: what reaches a service on an anonymous gateway route besides the client address.</summary>
    public HttpClient Anonymous() => _a.CreateClient();

    /// <summary>Posts a payment callback signed as the provider would (or with <paramref name="signature"/>).</summary>
    public async Task<HttpResponseMessage> PayAsync(string orderBid, decimal amount, string? paymentRef = null, string? signature = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { orderBid, amount, paymentRef = paymentRef ?? "pay-" + Guid.NewGuid().ToString("N") });
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        content.Headers.Add(PaymentEndpoints.SignatureHeader, signature ?? PaymentEndpoints.Sign(body, PaymentSecret));
        using var client = Anonymous();
        return await client.PostAsync("/api/promo/payments/callback", content);
    }

    public async Task<long> ScalarAsync(string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.AddWithValue(arg);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
