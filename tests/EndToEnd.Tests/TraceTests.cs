using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EndToEnd.Tests;

/// <summary>What ops see in the dashboard: one redemption is one trace across the gateway, users, RabbitMQ and pool.</summary>
[Collection(PlatformCollection.Name)]
public sealed class TraceTests(PlatformFixture platform)
{
    private HttpClient Gateway => platform.AppHost.Gateway;

    [Fact]
    public async Task A_redemption_through_the_gateway_is_one_trace_from_the_request_to_the_answer_consumer()
    {
        var admin = await platform.AdminTokenAsync();
        var groupId = (await PostAsync("/api/pool/pool-groups", admin, "pool", new { name = $"trace-{Guid.NewGuid():N}"[..20] })).GetProperty("id").GetGuid();
        await PostAsync("/api/pool/mothers", admin, "pool",
            new { name = "traced", email = $"traced-{Guid.NewGuid():N}@example.test", groupId, seatLimit = 2, accessToken = $"tok-{Guid.NewGuid():N}" });
        var code = (await PostAsync("/api/users/redeem-codes", admin, "users", new { count = 1, poolGroupId = groupId, seatDays = 30 }))
            .GetProperty("codes")[0].GetString();
        var token = await PlatformFixture.SignInAsync(Gateway, $"{Guid.NewGuid():N}@example.test");

        // The client starts the trace, as a traced caller of the platform would.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var redeem = new HttpRequestMessage(HttpMethod.Post, "/api/users/redemptions") { Content = PlatformFixture.Json(new { code }) };
        redeem.Headers.Authorization = new("Bearer", token);
        redeem.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var accepted = await Gateway.SendAsync(redeem);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        (string Service, string Scope, string Name, int Kind)[] expected =
        [
            ("gateway", "Microsoft.AspNetCore", "", Server),
            ("gateway", "System.Net.Http", "", Client),
            ("identity", "Microsoft.AspNetCore", "", Server),                 // the token's introspection
            ("identity", "OpenTelemetry.Instrumentation.StackExchangeRedis", "", Client), // its grants, cached
            ("users", "Microsoft.AspNetCore", "", Server),
            ("users", "Npgsql", "", Client),
            ("users", "Platform.Outbox", "outbox publish", Producer),
            ("users", "MassTransit", "", Producer),                          // to RabbitMQ
            ("pool", "MassTransit", "pool-redeem-code-redeemed process", Consumer),
            ("pool", "Platform.Jobs", "job seat_allocate", Consumer),
            ("pool", "Npgsql", "", Client),
            ("pool", "Platform.Outbox", "outbox publish", Producer),
            ("users", "MassTransit", "users-seat-allocated process", Consumer), // the answer
        ];
        List<Span> spans = [];
        var complete = await Eventually.TrueAsync(async () =>
        {
            spans = await TraceAsync(traceId);
            return expected.All(e => spans.Any(s => s.Matches(e.Service, e.Scope, e.Name, e.Kind)));
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));

        var missing = expected.Where(e => !spans.Any(s => s.Matches(e.Service, e.Scope, e.Name, e.Kind)));
        Assert.True(complete, $"missing from trace {traceId}: {string.Join("; ", missing)}\nfound:\n{string.Join('\n', spans)}");
        // Database and Redis calls hang under the spans that made them.
        var ids = spans.Select(s => (string?)s.SpanId).ToHashSet();
        var calls = spans.Where(s => s.Scope is "Npgsql" or "OpenTelemetry.Instrumentation.StackExchangeRedis").ToList();
        Assert.All(calls, call => Assert.Contains(call.ParentSpanId, ids));
    }

    private const int Server = 2, Client = 3, Producer = 4, Consumer = 5;

    private async Task<JsonElement> PostAsync(string path, string token, string domain, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = PlatformFixture.Json(body) };
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("X-Domain", domain);
        using var response = await Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The trace's spans as the dashboard's telemetry API gives them (OTLP JSON).</summary>
    private async Task<List<Span>> TraceAsync(string traceId)
    {
        using var dashboard = new HttpClient { BaseAddress = platform.Dashboard };
        dashboard.DefaultRequestHeaders.Add("x-api-key", platform.DashboardApiKey);
        using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        List<Span> spans = [];
        foreach (var resource in body.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resource.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .First(a => a.GetProperty("key").GetString() == "service.name").GetProperty("value").GetProperty("stringValue").GetString()!;
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                var scopeName = scope.GetProperty("scope").GetProperty("name").GetString()!;
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new Span(service, scopeName, span.GetProperty("name").GetString()!, span.GetProperty("kind").GetInt32(),
                        span.GetProperty("spanId").GetString()!, span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() : null));
                }
            }
        }
        return spans;
    }

    private sealed record Span(string Service, string Scope, string Name, int Kind, string SpanId, string? ParentSpanId)
    {
        public bool Matches(string service, string scope, string name, int kind) =>
            Service == service && Scope == scope && Kind == kind && Name.Contains(name, StringComparison.Ordinal);
    }
}
