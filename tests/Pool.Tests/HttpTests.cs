using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Pool.Tests;

/// <summary>Who may call what (401, 403, X-Domain) and that bad input is a 400 naming the field, never a 500.</summary>
[Collection(PoolCollection.Name)]
public sealed class HttpTests(PoolPlatform platform)
{
    private readonly PoolStack _stack = platform.WithoutRedis;

    [Theory]
    [InlineData(null)]
    [InlineData("users")]
    [InlineData("bogus")]
    public async Task Admin_writes_without_X_Domain_pool_are_refused(string? domain)
    {
        using var client = _stack.Admin(domain: domain);
        using var response = await client.PostAsJsonAsync("/api/pool/pool-groups", new { name = "g-" + Guid.NewGuid().ToString("N")[..12] });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("domain_mismatch", await response.ProblemCodeAsync());
        // The refusal says which domain the endpoint expected.
        Assert.Equal("pool", response.Headers.GetValues("X-Domain-Ack").Single());

        // Reads need no domain, and are not domain-guarded.
        using var read = await client.GetAsync("/api/pool/pool-groups");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.False(read.Headers.Contains("X-Domain-Ack"));
    }

    [Fact]
    public async Task Every_answer_of_a_domain_guarded_endpoint_carries_X_Domain_Ack()
    {
        using var admin = _stack.Admin();
        using var anonymous = new HttpClient { BaseAddress = _stack.A.Address };
        using var user = _stack.Admin(role: "user");
        using var noDomain = _stack.Admin(domain: null);
        var missing = Guid.NewGuid();
        var answers = new List<(string What, HttpResponseMessage Response, HttpStatusCode Expected)>
        {
            ("no token", await anonymous.PostAsJsonAsync("/api/pool/pool-groups", new { name = "x" }), HttpStatusCode.Unauthorized),
            ("not an admin", await user.PostAsJsonAsync("/api/pool/pool-groups", new { name = "x" }), HttpStatusCode.Forbidden),
            ("no X-Domain", await noDomain.DeleteAsync($"/api/pool/mothers/{missing}"), HttpStatusCode.BadRequest),
            ("malformed body", await admin.PostAsync("/api/pool/pool-groups", new StringContent("{not json", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest),
            ("invalid field", await admin.PostAsJsonAsync("/api/pool/pool-groups", new { name = "has space" }), HttpStatusCode.BadRequest),
            ("unknown entity", await admin.DeleteAsync($"/api/pool/mothers/{missing}"), HttpStatusCode.NotFound),
            ("unknown job", await admin.PostAsync($"/api/pool/jobs/{missing}/retry", null), HttpStatusCode.NotFound),
            ("accepted", await admin.PostAsJsonAsync("/api/pool/pool-groups", new { name = "g-" + Guid.NewGuid().ToString("N")[..12] }), HttpStatusCode.Created),
        };
        foreach (var (what, response, expected) in answers)
        {
            using (response)
            {
                Assert.Equal(expected, response.StatusCode);
                Assert.True(response.Headers.TryGetValues("X-Domain-Ack", out var ack), $"{what}: {(int)response.StatusCode} without X-Domain-Ack");
                Assert.Equal("pool", ack.Single());
            }
        }
    }

    [Fact]
    public async Task Admin_api_requests_are_counted_by_the_domain_they_name_known_domains_as_themselves_and_anything_else_as_unknown()
    {
        var garbage = "made-up-" + Guid.NewGuid().ToString("N")[..8];
        string?[] sent = ["identity", "users", "pool", "PROMO", garbage, null];
        foreach (var domain in sent)
        {
            using var client = _stack.Admin(domain: domain);
            using var response = await client.GetAsync("/api/pool/pool-groups");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        string[] expected = ["identity", "users", "pool", "promo", "unknown"];
        var lines = new List<string>();
        // The exporter may answer from its short scrape cache: poll until the requests show.
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            lines = [.. MetricsScrape.Samples(await MetricsScrape.TextAsync(_stack.A), "admin_api_requests_total")
                .Where(l => l.Contains("path=\"/api/pool/pool-groups/\"", StringComparison.Ordinal) && l.Contains("method=\"GET\"", StringComparison.Ordinal))];
            return expected.All(domain => lines.Any(l => l.Contains($"domain=\"{domain}\"", StringComparison.Ordinal)));
        }, TimeSpan.FromSeconds(10)), $"not every domain was counted: {string.Join(" | ", lines)}");
        // The label never takes a value a client made up: only the four domains and unknown.
        Assert.DoesNotContain(lines, l => l.Contains(garbage, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches("domain=\"(identity|users|pool|promo|unknown)\"", l));
    }

    [Fact]
    public async Task Admin_writes_with_X_Domain_pool_are_acknowledged()
    {
        using var client = _stack.Admin();
        using var response = await client.PostAsJsonAsync("/api/pool/pool-groups", new { name = "g-" + Guid.NewGuid().ToString("N")[..12] });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("pool", response.Headers.GetValues("X-Domain-Ack").Single());
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_without_the_admin_role_403()
    {
        using var anonymous = new HttpClient { BaseAddress = _stack.A.Address };
        using (var response = await anonymous.GetAsync("/api/pool/mothers"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using var user = _stack.Admin(role: "user");
        foreach (var path in new[] { "/api/pool/mothers", "/api/pool/pool-groups", "/api/pool/jobs" })
        {
            using var response = await user.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using var write = await user.PostAsJsonAsync("/api/pool/pool-groups", new { name = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);

        // Refusals count in admin_api_requests_total like any other answer, by the route they were refused on.
        var lines = new List<string>();
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            lines = [.. MetricsScrape.Samples(await MetricsScrape.TextAsync(_stack.A), "admin_api_requests_total")
                .Where(l => l.Contains("path=\"/api/pool/mothers/\"", StringComparison.Ordinal) && l.Contains("method=\"GET\"", StringComparison.Ordinal))];
            return lines.Any(l => l.Contains("status=\"401\"", StringComparison.Ordinal)) && lines.Any(l => l.Contains("status=\"403\"", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(10)), $"the 401 and 403 were not both counted: {string.Join(" | ", lines)}");
    }

    [Fact]
    public async Task A_grant_opens_its_own_resource_by_method_and_nothing_else()
    {
        using var reader = _stack.Granted("pool.groups:read", "pool.mothers:write");
        using (var list = await reader.GetAsync("/api/pool/pool-groups"))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }
        using (var create = await reader.PostAsJsonAsync("/api/pool/pool-groups", new { name = "g-" + Guid.NewGuid().ToString("N")[..12] }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        }
        // write includes read
        using (var mothers = await reader.GetAsync("/api/pool/mothers"))
        {
            Assert.Equal(HttpStatusCode.OK, mothers.StatusCode);
        }
        using (var jobs = await reader.GetAsync("/api/pool/jobs"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, jobs.StatusCode);
        }
        // A grant on another service's resource with a similar name opens nothing here.
        using var stranger = _stack.Granted("promo.catalog:write", "pool.groupsX:write");
        using (var list = await stranger.GetAsync("/api/pool/pool-groups"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        }

        using var writer = _stack.Granted("pool.groups:write");
        using var created = await writer.PostAsJsonAsync("/api/pool/pool-groups", new { name = "g-" + Guid.NewGuid().ToString("N")[..12] });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Theory]
    [InlineData("/api/pool/pool-groups", "{not json", null)]
    [InlineData("/api/pool/pool-groups", "{\"name\": 5}", null)]
    [InlineData("/api/pool/pool-groups", "", null)]
    [InlineData("/api/pool/pool-groups", "{\"name\": \"has space\"}", "name")]
    [InlineData("/api/pool/pool-groups", "{\"name\": \"ok-name\", \"emailDomain\": \"not a domain\"}", "emailDomain")]
    [InlineData("/api/pool/pool-groups", "{\"name\": \"ok-name\", \"teamNameTemplate\": \"{group}-{nope}\"}", "teamNameTemplate")]
    [InlineData("/api/pool/mothers", "{\"groupId\": \"not-a-guid\"}", null)]
    [InlineData("/api/pool/mothers", "{\"name\": \"m\", \"email\": \"a@example.test\", \"groupId\": \"0b8e4c6e-8b8e-4c6e-8b8e-4c6e8b8e4c6e\", \"seatLimit\": 0, \"accessToken\": \"t\"}", "seatLimit")]
    [InlineData("/api/pool/mothers", "{\"name\": \"m\", \"email\": \"not-an-email\", \"accessToken\": \"t\"}", "email")]
    [InlineData("/api/pool/mothers", "{\"name\": \"m\", \"email\": \"a@example.test\", \"groupId\": \"0b8e4c6e-8b8e-4c6e-8b8e-4c6e8b8e4c6e\", \"accessToken\": \"t\"}", "groupId")]
    [InlineData("/api/pool/mothers", "{\"name\": \"m\", \"email\": \"a@example.test\", \"groupId\": \"0b8e4c6e-8b8e-4c6e-8b8e-4c6e8b8e4c6e\"}", "accessToken")]
    public async Task Malformed_or_invalid_bodies_are_400_naming_the_field(string path, string body, string? field)
    {
        using var client = _stack.Admin();
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            var problem = await response.JsonAsync();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors does not name {field}: {problem}");
        }
    }

    [Theory]
    [InlineData("/api/pool/jobs?pageSize=500", "pageSize")]
    [InlineData("/api/pool/jobs?page=0", "page")]
    [InlineData("/api/pool/jobs?status=bogus", "status")]
    [InlineData("/api/pool/mothers?status=bogus", "status")]
    [InlineData("/api/pool/mothers?groupId=nope", null)]
    public async Task Bad_query_parameters_are_400(string path, string? field)
    {
        using var client = _stack.Admin();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        if (field is not null)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors does not name {field}: {problem}");
        }
    }
}
