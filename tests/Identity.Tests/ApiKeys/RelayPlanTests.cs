extern alias identity;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Hosting;
using Npgsql;
using IdentityDbContext = identity::Identity.Api.Data.IdentityDbContext;

namespace Identity.Tests;

/// <summary>
/// Who may use the relay, through the gateway (docs/relay.md "Plans" and "Scopes"): a relay plan from an
/// administrator or a paid relay product, keys within the plan, and API key scopes.
/// </summary>
[Collection(RelayPlanCollection.Name)]
public sealed class RelayPlanTests(RelayPlanPlatform platform)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private RelayPlanStack Plans => platform.Plans;

    [Fact]
    public async Task Without_a_plan_a_key_is_403_relay_not_entitled_and_with_the_admins_plan_it_relays_within_the_plans_limits_until_the_plan_ends()
    {
        using var client = Plans.Client();
        var admin = await Plans.SignInAdminAsync(client);
        await Plans.AddAccountAsync(client, admin.AccessToken);
        var owner = await client.SignInNewAsync();
        var key = await NewKeyAsync(client, owner.AccessToken, new { name = "relay" });
        var marker = Guid.NewGuid().ToString("N");

        using (var refused = await client.SendAsync(Message(key, marker)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("relay_not_entitled", await refused.ProblemCodeAsync());
        }
        Assert.DoesNotContain(Plans.Llm.Calls, c => c.Body.Contains(marker));

        var endsAt = Plans.Clock.GetUtcNow().AddHours(1);
        using (var granted = await client.SendAsync(RelayPlanStack.Json(HttpMethod.Put, $"/api/pool/relay/plans/{owner.UserId}", admin.AccessToken,
            new { dailyCost = 5m, requestsPerMinute = 100, concurrency = 1, allowedModels = new[] { "claude-sonnet-4" }, expiresAt = endsAt }, "pool")))
        {
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        }
        using (var relayed = await client.SendAsync(Message(key, marker)))
        {
            Assert.Equal(HttpStatusCode.OK, relayed.StatusCode);
        }
        Assert.Contains(Plans.Llm.Calls, c => c.Body.Contains(marker));
        using (var otherModel = await client.SendAsync(Message(key, marker + "opus", model: "claude-opus-4-20250514")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, otherModel.StatusCode);
            Assert.Equal("model_not_allowed", await otherModel.ProblemCodeAsync());
        }
        using (var mine = await client.GetWithTokenAsync("/api/pool/relay/plans/mine", owner.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
            var plan = await mine.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(1, plan.GetProperty("concurrency").GetInt32());
            Assert.Equal("active", plan.GetProperty("status").GetString());
        }

        // The plan's one request in flight holds for a second key of the person too.
        var second = await NewKeyAsync(client, owner.AccessToken, new { name = "second" });
        var gate = Plans.Llm.Hold("held-" + marker);
        var held = client.SendAsync(Message(key, marker + "held", hold: "held-" + marker));
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        using (var busy = await client.SendAsync(Message(second, marker + "busy")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
            Assert.Equal("concurrency_limit", await busy.ProblemCodeAsync());
        }
        gate.Release();
        using (var done = await held) Assert.Equal(HttpStatusCode.OK, done.StatusCode);

        Plans.Clock.Advance(TimeSpan.FromHours(2));
        try
        {
            using var ended = await client.SendAsync(Message(key, marker + "ended"));
            Assert.Equal(HttpStatusCode.Forbidden, ended.StatusCode);
            Assert.Equal("relay_not_entitled", await ended.ProblemCodeAsync());
        }
        finally
        {
            Plans.Clock.Advance(TimeSpan.FromHours(-2));
        }
        Assert.DoesNotContain(Plans.Llm.Calls, c => c.Body.Contains(marker + "ended") || c.Body.Contains(marker + "busy"));
    }

    [Fact]
    public async Task A_key_may_ask_for_less_than_the_plan_but_more_is_400_naming_the_limit()
    {
        using var client = Plans.Client();
        var admin = await Plans.SignInAdminAsync(client);
        var owner = await client.SignInNewAsync();
        using (var granted = await client.SendAsync(RelayPlanStack.Json(HttpMethod.Put, $"/api/pool/relay/plans/{owner.UserId}", admin.AccessToken,
            new { dailyCost = 5m, requestsPerMinute = 60, concurrency = 2 }, "pool")))
        {
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        }

        // identity learns the plan from pool's event.
        JsonElement problem = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            using var tooMany = await client.PostWithTokenAsync("/api/identity/api-keys", owner.AccessToken,
                new { name = "greedy", limits = new { concurrency = 3 } });
            if (tooMany.StatusCode != HttpStatusCode.BadRequest) return false;
            problem = await tooMany.Content.ReadFromJsonAsync<JsonElement>();
            return true;
        }, Deadline), "a key above the plan's concurrency was never refused");
        Assert.Equal("limit_above_plan", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("limits.concurrency", out _), problem.ToString());

        foreach (var (limits, field) in new (object, string)[]
        {
            (new { requestsPerMinute = 61 }, "limits.requestsPerMinute"),
            (new { dailyCost = 5.01m }, "limits.dailyCost"),
        })
        {
            using var above = await client.PostWithTokenAsync("/api/identity/api-keys", owner.AccessToken, new { name = "greedy", limits });
            Assert.Equal(HttpStatusCode.BadRequest, above.StatusCode);
            Assert.True((await above.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), field);
        }
        using var within = await client.PostWithTokenAsync("/api/identity/api-keys", owner.AccessToken,
            new { name = "modest", limits = new { concurrency = 1, requestsPerMinute = 60, dailyCost = 1m } });
        Assert.Equal(HttpStatusCode.Created, within.StatusCode);
    }

    [Fact]
    public async Task A_paid_order_of_a_relay_product_gives_the_buyer_its_plan()
    {
        using var client = Plans.Client();
        var admin = await Plans.SignInAdminAsync(client);
        await Plans.AddAccountAsync(client, admin.AccessToken);
        var code = "relay-" + Guid.NewGuid().ToString("N")[..12];
        using var product = await client.SendAsync(RelayPlanStack.Json(HttpMethod.Post, "/api/promo/products", admin.AccessToken, new
        {
            name = "Relay, 30 days",
            kind = "relay",
            skus = new[]
            {
                new { code, name = "30 days", price = 9.90m, stock = 10, relay = new { dailyCost = 2m, requestsPerMinute = 30, concurrency = 2, days = 30 } },
            },
        }, "promo"));
        Assert.Equal(HttpStatusCode.Created, product.StatusCode);
        var created = await product.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("relay", created.GetProperty("kind").GetString());
        var skuId = created.GetProperty("skus")[0].GetProperty("id").GetGuid();

        var buyer = await client.SignInNewAsync();
        var key = await NewKeyAsync(client, buyer.AccessToken, new { name = "bought" });
        using (var before = await client.SendAsync(Message(key, Guid.NewGuid().ToString("N"))))
        {
            Assert.Equal("relay_not_entitled", await before.ProblemCodeAsync());
        }
        var order = RelayPlanStack.Json(HttpMethod.Post, "/api/promo/orders", buyer.AccessToken, new { skuId, quantity = 1 });
        order.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var placed = await client.SendAsync(order);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var placedBody = await placed.Content.ReadFromJsonAsync<JsonElement>();
        var paidAt = Plans.Clock.GetUtcNow();
        using (var paid = await Plans.PayAsync(client, placedBody.GetProperty("orderBid").GetString()!, placedBody.GetProperty("payAmount").GetDecimal()))
        {
            Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        }

        var marker = Guid.NewGuid().ToString("N");
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            using var relayed = await client.SendAsync(Message(key, marker));
            return relayed.StatusCode == HttpStatusCode.OK;
        }, Deadline, TimeSpan.FromMilliseconds(200)), "the paid order gave no plan");
        var plan = await (await client.GetWithTokenAsync("/api/pool/relay/plans/mine", buyer.AccessToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("order", plan.GetProperty("source").GetString());
        Assert.Equal(2, plan.GetProperty("concurrency").GetInt32());
        Assert.InRange(plan.GetProperty("expiresAt").GetDateTimeOffset(), paidAt.AddDays(30).AddSeconds(-5), paidAt.AddDays(30).AddMinutes(1));
    }

    [Fact]
    public async Task A_relay_key_is_403_on_api_an_api_key_is_403_on_v1_and_no_key_can_make_a_key()
    {
        using var client = Plans.Client();
        var admin = await Plans.SignInAdminAsync(client);
        await Plans.AddAccountAsync(client, admin.AccessToken);
        var owner = await client.SignInNewAsync();
        using (var granted = await client.SendAsync(RelayPlanStack.Json(HttpMethod.Put, $"/api/pool/relay/plans/{owner.UserId}", admin.AccessToken,
            new { dailyCost = 5m, requestsPerMinute = 100, concurrency = 5 }, "pool")))
        {
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        }
        var relayKey = await NewKeyAsync(client, owner.AccessToken, new { name = "relay only" });
        var apiKey = await NewKeyAsync(client, owner.AccessToken, new { name = "api only", scopes = new[] { "api" } });
        var bothKey = await NewKeyAsync(client, owner.AccessToken, new { name = "both", scopes = new[] { "api", "relay" } });

        using (var relayOnApi = await client.SendAsync(WithKey(HttpMethod.Get, "/api/identity/me", relayKey)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, relayOnApi.StatusCode);
            Assert.Equal("scope_required", await relayOnApi.ProblemCodeAsync());
        }
        var marker = Guid.NewGuid().ToString("N");
        using (var apiOnRelay = await client.SendAsync(Message(apiKey, marker)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, apiOnRelay.StatusCode);
            Assert.Equal("scope_required", await apiOnRelay.ProblemCodeAsync());
        }
        Assert.DoesNotContain(Plans.Llm.Calls, c => c.Body.Contains(marker));
        using (var apiOnApi = await client.SendAsync(WithKey(HttpMethod.Get, "/api/identity/me", apiKey))) Assert.Equal(HttpStatusCode.OK, apiOnApi.StatusCode);
        using (var relayOnRelay = await client.SendAsync(Message(relayKey, marker + "r"))) Assert.Equal(HttpStatusCode.OK, relayOnRelay.StatusCode);
        using (var bothOnApi = await client.SendAsync(WithKey(HttpMethod.Get, "/api/identity/me", bothKey))) Assert.Equal(HttpStatusCode.OK, bothOnApi.StatusCode);
        using (var bothOnRelay = await client.SendAsync(Message(bothKey, marker + "b"))) Assert.Equal(HttpStatusCode.OK, bothOnRelay.StatusCode);

        // Making keys takes a signed-in person: a key with the api scope reaches identity and is refused there.
        foreach (var (key, expected) in new[] { (apiKey, "sign_in_required"), (bothKey, "sign_in_required"), (relayKey, "scope_required") })
        {
            var request = WithKey(HttpMethod.Post, "/api/identity/api-keys", key);
            request.Content = JsonContent.Create(new { name = "made by a key", scopes = new[] { "api", "relay" } });
            using var refused = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(expected, await refused.ProblemCodeAsync());
        }
        using var list = await client.GetWithTokenAsync("/api/identity/api-keys", owner.AccessToken);
        var keys = await list.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, keys.GetArrayLength());
        Assert.Contains(keys.EnumerateArray(), k => k.GetProperty("name").GetString() == "relay only"
            && k.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()).SequenceEqual(["relay"]));
    }

    [Fact]
    public async Task A_key_made_before_scopes_existed_reaches_both_api_and_v1_after_the_migration()
    {
        // A database as the previous release left it, with one key in it.
        var database = await platform.Servers.CreateDatabaseAsync("identity");
        var raw = "sk-" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', 'a').Replace('/', 'b');
        var userId = Guid.NewGuid();
        var hash = identity::Identity.Api.IdentitySecrets.Hash(raw);
        await using (var db = Context(database))
        {
            await db.GetService<IMigrator>().MigrateAsync(PreviousMigration);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO users (id, email, roles, status, status_version, permissions_version, created_at)
                VALUES ({userId}, {IdentityApi.NewEmail()}, {new[] { "user" }}, 'active', 0, 0, now())
                """);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at)
                VALUES ({Guid.NewGuid()}, {userId}, 'old', {raw[..9]}, {hash}, now())
                """);
        }

        // The new release migrates it as it starts, behind its gateways.
        await using var upgraded = await Stack.StartAsync(platform.Servers, platform.OAuth, platform.Probe, platform.Relay, redis: false, identityDatabase: database);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var scopes = new NpgsqlCommand("SELECT array_to_string(scopes, ',') FROM api_keys WHERE user_id = $1", connection) { Parameters = { new() { Value = userId } } };
            Assert.Equal("api,relay", await scopes.ExecuteScalarAsync());
        }
        using var client = upgraded.Client();
        using (var onApi = await client.SendAsync(WithKey(HttpMethod.Get, "/api/identity/me", raw)))
        {
            Assert.Equal(HttpStatusCode.OK, onApi.StatusCode);
        }
        var mark = Guid.NewGuid().ToString();
        var onRelay = WithKey(HttpMethod.Get, "/v1/models", raw);
        onRelay.Headers.Add(RelayProbe.MarkHeader, mark);
        using (var relayed = await client.SendAsync(onRelay))
        {
            Assert.Equal(HttpStatusCode.OK, relayed.StatusCode);
        }
        var received = Assert.Single(platform.Relay.ReceivedWith(mark));
        var claims = await upgraded.ValidInternalClaimsAsync(received.Headers["authorization"], "pool");
        Assert.Contains("relay", JsonSerializer.Serialize(claims["scope"]));
    }

    /// <summary>The identity migration just before API keys had scopes.</summary>
    private const string PreviousMigration = "20261203181809_MessagesParkedAndFailed";

    private static IdentityDbContext Context(string database)
    {
        var options = new DbContextOptionsBuilder<IdentityDbContext>();
        DatabaseExtensions.ConfigureNpgsql(options, NpgsqlDataSource.Create(database));
        return new IdentityDbContext(options.Options);
    }

    private static async Task<string> NewKeyAsync(HttpClient client, string token, object body)
    {
        using var created = await client.PostWithTokenAsync("/api/identity/api-keys", token, body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private static HttpRequestMessage WithKey(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-api-key", key);
        return request;
    }

    private static HttpRequestMessage Message(string key, string marker, string model = "claude-sonnet-4-20250514", string? hold = null)
    {
        var request = WithKey(HttpMethod.Post, "/v1/messages", key);
        request.Content = JsonContent.Create(new
        {
            model,
            max_tokens = 16,
            metadata = new { user_id = hold ?? "none" },
            messages = new[] { new { role = "user", content = "hi " + marker } },
        });
        return request;
    }
}
