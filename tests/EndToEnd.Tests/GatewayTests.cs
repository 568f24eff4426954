using System.Net;
using System.Text.Json;

namespace EndToEnd.Tests;

/// <summary>Through the gateway, as a client sees the platform that <c>./run.sh</c> starts.</summary>
public sealed class GatewayTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private HttpClient Gateway => platform.AppHost.Gateway;

    [Fact]
    public async Task Gateway_health_names_every_service_healthy_with_redis_as_the_active_cache()
    {
        using var health = await GetJsonAsync("/health", HttpStatusCode.OK);
        var checks = health.RootElement.GetProperty("checks");
        foreach (var service in AppHostProcess.Services)
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
        var text = await metrics.GetStringAsync($"http://127.0.0.1:{platform.AppHost.Ports["pool"]}/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("admin_api_requests_total{", StringComparison.Ordinal)
            && l.Contains("path=\"/api/pool/openapi/{documentName}.json\"") && l.Contains("status=\"200\""));
        Assert.NotNull(line);
        Assert.Contains("method=\"GET\"", line);
        Assert.Contains("domain=\"unknown\"", line);
    }

    [Fact]
    public async Task The_gateway_and_every_service_expose_prometheus_metrics()
    {
        using var client = new HttpClient();
        foreach (var name in AppHostProcess.Services.Append("gateway"))
        {
            var text = await client.GetStringAsync($"http://127.0.0.1:{platform.AppHost.Ports[name]}/metrics");
            Assert.Contains($"service_name=\"{name}\"", text);
        }
    }

    [Fact]
    public async Task The_development_admin_signs_in_with_a_code_from_the_outbox_and_holds_the_admin_role()
    {
        const string admin = "admin@example.test";
        using (var sent = await Gateway.PostAsync("/api/identity/codes", Json(new { channel = "email", target = admin })))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        using var outbox = await GetJsonAsync($"/api/identity/dev/outbox?target={admin}", HttpStatusCode.OK);
        var code = outbox.RootElement[0].GetProperty("code").GetString();

        using var signIn = await Gateway.PostAsync("/api/identity/sign-in", Json(new { channel = "email", target = admin, code }));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        using var session = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync());
        var token = session.RootElement.GetProperty("accessToken").GetString();

        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/identity/me");
        me.Headers.Authorization = new("Bearer", token);
        using var response = await Gateway.SendAsync(me);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var user = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(user.RootElement.GetProperty("roles").EnumerateArray(), r => r.GetString() == "admin");

        using var anonymous = await Gateway.GetAsync("/api/identity/me");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private async Task<JsonDocument> GetJsonAsync(string path, HttpStatusCode expected)
    {
        using var response = await Gateway.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
