using System.Net;
using System.Text.Json;

namespace EndToEnd.Tests;

/// <summary>Through the gateway, as a client sees the platform that <c>./run.sh</c> starts.</summary>
[Collection(PlatformCollection.Name)]
public sealed class GatewayTests(PlatformFixture platform)
{
    private HttpClient Gateway => platform.AppHost.Gateway;

    [Fact]
    public async Task Gateway_health_names_every_service_healthy_with_redis_as_the_active_cache()
    {
        using var health = await GetJsonAsync("/health", HttpStatusCode.OK);
        var checks = health.RootElement.GetProperty("checks");
        foreach (var service in PlatformFixture.Services)
        {
            var check = checks.GetProperty(service);
            Assert.Equal("Healthy", check.GetProperty("status").GetString());
            Assert.Equal("redis", check.GetProperty("data").GetProperty("cache").GetString());
        }
    }

    [Theory]
    [InlineData("identity", "Identity.Api")]
    [InlineData("users", "Users.Api")]
    [InlineData("pool", "Pool.Api")]
    [InlineData("promo", "Promo.Api")]
    public async Task Each_route_reaches_its_own_service(string service, string title)
    {
        using var document = await GetJsonAsync($"/api/{service}/openapi/v1.json", HttpStatusCode.OK);
        Assert.StartsWith(title, document.RootElement.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_services_openapi_document_is_generated_once_and_then_served_from_its_cache()
    {
        // Through the gateway every request carries its token, which output caching's default policy would not store.
        var path = "/api/promo/openapi/v1.json";
        using var first = await Gateway.GetAsync(path);
        using var second = await Gateway.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.Age.HasValue, "the second answer was generated again, not served from the cache");
    }

    [Fact]
    public async Task An_unknown_path_is_a_404_problem_and_internal_endpoints_are_not_routed()
    {
        using var unknown = await GetJsonAsync("/api/nowhere/thing", HttpStatusCode.NotFound);
        Assert.Equal("not_found", unknown.RootElement.GetProperty("code").GetString());
        using var response = await Gateway.GetAsync("/internal/db-status");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Services_count_api_requests_by_route_pattern_not_raw_path()
    {
        using (await Gateway.GetAsync("/api/pool/openapi/v1.json"))
        {
        }
        using var metrics = new HttpClient();
        // The exporter answers from a cache for a moment: a scrape made just before the request may come back. Poll.
        string? line = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var text = await metrics.GetStringAsync($"http://127.0.0.1:{platform.AppHost.Ports["pool"]}/metrics");
            line = text.Split('\n').FirstOrDefault(l => l.StartsWith("admin_api_requests_total{", StringComparison.Ordinal)
                && l.Contains("path=\"/api/pool/openapi/{documentName}.json\"") && l.Contains("status=\"200\""));
            return line is not null;
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)), "the request was not counted by its route pattern");
        Assert.Contains("method=\"GET\"", line);
        Assert.Contains("domain=\"unknown\"", line);
    }

    [Fact]
    public async Task The_gateway_and_every_service_expose_prometheus_metrics()
    {
        using var client = new HttpClient();
        foreach (var name in PlatformFixture.Services.Append("gateway"))
        {
            var text = await client.GetStringAsync($"http://127.0.0.1:{platform.AppHost.Ports[name]}/metrics");
            Assert.Contains($"service_name=\"{name}\"", text);
        }
        // The gateway leaves out the memory pool's per-request counters (GatewayTelemetry) and keeps its growth.
        var gateway = await client.GetStringAsync($"http://127.0.0.1:{platform.AppHost.Ports["gateway"]}/metrics");
        Assert.Contains("aspnetcore_memory_pool_allocated_bytes_total{", gateway);
        Assert.DoesNotContain("aspnetcore_memory_pool_rented_bytes_total{", gateway);
    }

    [Fact]
    public void The_gateway_runs_with_its_proxy_runtime_settings_and_the_services_with_the_defaults()
    {
        var started = MarkedProcesses.Find(platform.Marker);
        IReadOnlyList<string> EnvironmentOf(string executable) =>
            started.Single(p => p.CommandLine.EndsWith($"/{executable}", StringComparison.Ordinal)).Environment;

        string[] settings = ["DOTNET_GCgen0size=0x2000000", "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1"];
        Assert.Subset(EnvironmentOf("Gateway").ToHashSet(), settings.ToHashSet());
        Assert.Empty(EnvironmentOf("Identity.Api").Intersect(settings));
    }

    [Fact]
    public async Task The_development_admin_signs_in_with_a_code_from_the_outbox_and_holds_the_admin_role()
    {
        var token = await platform.AdminTokenAsync();

        using var response = await Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/identity/me", token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var user = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(user.RootElement.GetProperty("roles").EnumerateArray(), r => r.GetString() == "admin");

        using var anonymous = await Gateway.GetAsync("/api/identity/me");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_page_on_the_gateways_own_origin_signs_in_with_a_cookie_session_and_another_origin_is_refused()
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        using (var sent = await Gateway.PostAsync("/api/identity/codes", PlatformFixture.Json(new { channel = "email", target = email })))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        using var outbox = JsonDocument.Parse(await Gateway.GetStringAsync($"/api/identity/dev/outbox?target={Uri.EscapeDataString(email)}"));
        var code = outbox.RootElement[0].GetProperty("code").GetString();

        HttpRequestMessage Create(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/sessions") { Content = PlatformFixture.Json(new { channel = "email", target = email, code }) };
            request.Headers.Add("Origin", origin);
            return request;
        }
        using (var elsewhere = await Gateway.SendAsync(Create("http://elsewhere.example")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        }
        // A client of its own: the shared one would keep the cookie and sign in every later test's "anonymous" call.
        using var browser = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = Gateway.BaseAddress };
        using var created = await browser.SendAsync(Create($"http://localhost:{platform.AppHost.Ports["gateway"]}"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains(created.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sid=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redeem_code_seats_its_redeemer_on_a_mother_of_the_codes_group_across_users_and_pool()
    {
        var admin = await platform.AdminTokenAsync();
        using var group = await SendJsonAsync(HttpMethod.Post, "/api/pool/pool-groups", admin, new { name = $"e2e-{Guid.NewGuid():N}"[..20] }, "pool", HttpStatusCode.Created);
        var groupId = group.RootElement.GetProperty("id").GetGuid();
        using var mother = await SendJsonAsync(HttpMethod.Post, "/api/pool/mothers", admin,
            new { name = "mother", email = $"mother-{Guid.NewGuid():N}@example.test", groupId, seatLimit = 2, accessToken = $"tok-{Guid.NewGuid():N}" }, "pool", HttpStatusCode.Created);
        var motherId = mother.RootElement.GetProperty("id").GetGuid();
        using var codes = await SendJsonAsync(HttpMethod.Post, "/api/users/redeem-codes", admin, new { count = 1, poolGroupId = groupId, seatDays = 30 }, "users", HttpStatusCode.Created);
        var code = codes.RootElement.GetProperty("codes")[0].GetString();

        var email = $"{Guid.NewGuid():N}@example.test";
        var token = await PlatformFixture.SignInAsync(Gateway, email);
        using var accepted = await SendJsonAsync(HttpMethod.Post, "/api/users/redemptions", token, new { code }, null, HttpStatusCode.Accepted);
        var redemptionId = accepted.RootElement.GetProperty("id").GetGuid();

        JsonElement redemption = default;
        var fulfilled = await Eventually.TrueAsync(async () =>
        {
            using var response = await Gateway.SendAsync(Authorized(HttpMethod.Get, $"/api/users/redemptions/{redemptionId}", token));
            redemption = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return redemption.GetProperty("status").GetString() == "fulfilled";
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        Assert.True(fulfilled, $"the redemption did not complete: {redemption}");
        Assert.Equal(motherId, redemption.GetProperty("seat").GetProperty("motherId").GetGuid());
        Assert.Equal(email, redemption.GetProperty("seat").GetProperty("email").GetString());

        using var seats = await Gateway.SendAsync(Authorized(HttpMethod.Get, $"/api/pool/mothers/{motherId}/seats", admin));
        Assert.Contains(email, await seats.Content.ReadAsStringAsync());
        using var again = await Gateway.SendAsync(AuthorizedJson(HttpMethod.Post, "/api/users/redemptions", token, new { code }, null));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task When_the_group_is_full_the_redemption_fails_and_its_code_can_be_redeemed_again()
    {
        var admin = await platform.AdminTokenAsync();
        using var group = await SendJsonAsync(HttpMethod.Post, "/api/pool/pool-groups", admin, new { name = $"full-{Guid.NewGuid():N}"[..20] }, "pool", HttpStatusCode.Created);
        var groupId = group.RootElement.GetProperty("id").GetGuid();
        (await SendJsonAsync(HttpMethod.Post, "/api/pool/mothers", admin,
            new { name = "small", email = $"small-{Guid.NewGuid():N}@example.test", groupId, seatLimit = 1, accessToken = $"tok-{Guid.NewGuid():N}" }, "pool", HttpStatusCode.Created)).Dispose();
        using var codes = await SendJsonAsync(HttpMethod.Post, "/api/users/redeem-codes", admin, new { count = 2, poolGroupId = groupId, seatDays = 30 }, "users", HttpStatusCode.Created);

        var outcomes = new List<JsonElement>();
        foreach (var code in codes.RootElement.GetProperty("codes").EnumerateArray().Select(c => c.GetString()))
        {
            var token = await PlatformFixture.SignInAsync(Gateway, $"{Guid.NewGuid():N}@example.test");
            using var accepted = await SendJsonAsync(HttpMethod.Post, "/api/users/redemptions", token, new { code }, null, HttpStatusCode.Accepted);
            outcomes.Add(await FinishedAsync(token, accepted.RootElement.GetProperty("id").GetGuid()));
        }

        Assert.Equal(["fulfilled", "failed"], outcomes.Select(o => o.GetProperty("status").GetString()));
        // The failed code went back to unused: another person may try it.
        var second = codes.RootElement.GetProperty("codes")[1].GetString();
        var other = await PlatformFixture.SignInAsync(Gateway, $"{Guid.NewGuid():N}@example.test");
        using var retried = await Gateway.SendAsync(AuthorizedJson(HttpMethod.Post, "/api/users/redemptions", other, new { code = second }, null));
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
    }

    [Fact]
    public async Task A_buyer_orders_a_product_anyone_can_see_and_only_a_signed_payment_callback_reaches_promo()
    {
        var admin = await platform.AdminTokenAsync();
        var code = $"e2e-{Guid.NewGuid():N}"[..20];
        using var product = await SendJsonAsync(HttpMethod.Post, "/api/promo/products", admin,
            new { name = "E2E product", skus = new[] { new { code, name = "E2E SKU", price = 19.5m, stock = 3 } } }, "promo", HttpStatusCode.Created);
        var productId = product.RootElement.GetProperty("id").GetGuid();
        var skuId = product.RootElement.GetProperty("skus")[0].GetProperty("id").GetGuid();

        using var listed = await GetJsonAsync($"/api/promo/products/{productId}", HttpStatusCode.OK);
        var buyer = await PlatformFixture.SignInAsync(Gateway, $"{Guid.NewGuid():N}@example.test");
        using var request = AuthorizedJson(HttpMethod.Post, "/api/promo/orders", buyer, new { skuId, quantity = 2 }, null);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var placed = await Gateway.SendAsync(request);
        var order = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement;
        // The callback route is anonymous at the gateway; promo itself refuses what is not signed.
        using var unsigned = await Gateway.PostAsync("/api/promo/payments/callback",
            PlatformFixture.Json(new { orderBid = order.GetProperty("orderBid").GetString(), amount = 39m, paymentRef = "forged" }));
        var refusal = JsonDocument.Parse(await unsigned.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(3, listed.RootElement.GetProperty("skus")[0].GetProperty("stock").GetInt32());
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.Equal(39m, order.GetProperty("payAmount").GetDecimal());
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("invalid_signature", refusal.GetProperty("code").GetString());
        using var after = await Gateway.SendAsync(Authorized(HttpMethod.Get, $"/api/promo/orders/{order.GetProperty("orderBid").GetString()}", buyer));
        Assert.Equal("created", JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_api_key_on_v1_is_relayed_through_pool_onto_a_mother_and_its_usage_is_the_owners_to_see()
    {
        var admin = await platform.AdminTokenAsync();
        using var group = await SendJsonAsync(HttpMethod.Post, "/api/pool/pool-groups", admin, new { name = $"relay-{Guid.NewGuid():N}"[..20] }, "pool", HttpStatusCode.Created);
        var motherToken = $"relay-token-{Guid.NewGuid():N}";
        using var mother = await SendJsonAsync(HttpMethod.Post, "/api/pool/mothers", admin, new
        {
            name = "relay",
            email = $"{Guid.NewGuid():N}@example.test",
            groupId = group.RootElement.GetProperty("id").GetGuid(),
            accessToken = motherToken,
            priority = 1000,
        }, "pool", HttpStatusCode.Created);
        var owner = await PlatformFixture.SignInAsync(Gateway, $"{Guid.NewGuid():N}@example.test");
        // Only a person with a relay plan may use the relay (docs/relay.md "Plans").
        using (var me = await Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/identity/me", owner)))
        {
            var ownerId = JsonDocument.Parse(await me.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
            using var plan = await SendJsonAsync(HttpMethod.Put, $"/api/pool/relay/plans/{ownerId}", admin,
                new { dailyCost = 10m, requestsPerMinute = 100, concurrency = 5 }, "pool", HttpStatusCode.OK);
        }
        using var created = await SendJsonAsync(HttpMethod.Post, "/api/identity/api-keys", owner, new { name = "relay" }, null, HttpStatusCode.Created);
        var apiKey = created.RootElement.GetProperty("key").GetString()!;
        var marker = Guid.NewGuid().ToString("N");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = PlatformFixture.Json(new { model = "claude-sonnet-4-20250514", max_tokens = 16, messages = new[] { new { role = "user", content = marker } } }),
        };
        request.Headers.Add("x-api-key", apiKey);
        using var relayed = await Gateway.SendAsync(request);
        var answer = await relayed.Content.ReadAsStringAsync();
        using var withToken = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = PlatformFixture.Json(new { model = "m", messages = Array.Empty<object>() }) };
        withToken.Headers.Authorization = new("Bearer", owner);
        using var refused = await Gateway.SendAsync(withToken);

        Assert.True(relayed.StatusCode == HttpStatusCode.OK, answer);
        Assert.Equal("hello", JsonDocument.Parse(answer).RootElement.GetProperty("content")[0].GetProperty("text").GetString());
        var call = Assert.Single(platform.Llm.Calls, c => c.Body.Contains(marker));
        Assert.DoesNotContain(apiKey, string.Join("\n", call.Headers.Values));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            using var mine = await Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/pool/relay/usage/mine", owner));
            var items = JsonDocument.Parse(await mine.Content.ReadAsStringAsync()).RootElement.GetProperty("items");
            return items.GetArrayLength() == 1 && items[0].GetProperty("requests").GetInt64() == 1 && items[0].GetProperty("outputTokens").GetInt64() == 50;
        }, TimeSpan.FromSeconds(10)), "the owner does not see the relayed request's usage");
    }

    private async Task<JsonElement> FinishedAsync(string token, Guid redemptionId)
    {
        JsonElement redemption = default;
        var finished = await Eventually.TrueAsync(async () =>
        {
            using var response = await Gateway.SendAsync(Authorized(HttpMethod.Get, $"/api/users/redemptions/{redemptionId}", token));
            redemption = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return redemption.GetProperty("status").GetString() != "pending";
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        Assert.True(finished, $"the redemption did not finish: {redemption}");
        return redemption;
    }

    private async Task<JsonDocument> SendJsonAsync(HttpMethod method, string path, string token, object body, string? domain, HttpStatusCode expected)
    {
        using var response = await Gateway.SendAsync(AuthorizedJson(method, path, token, body, domain));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    private static HttpRequestMessage AuthorizedJson(HttpMethod method, string path, string token, object body, string? domain)
    {
        var request = Authorized(method, path, token);
        request.Content = PlatformFixture.Json(body);
        if (domain is not null) request.Headers.Add("X-Domain", domain);
        return request;
    }

    private async Task<JsonDocument> GetJsonAsync(string path, HttpStatusCode expected)
    {
        using var response = await Gateway.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
