using System.Net;
using System.Net.Http.Json;

namespace Pool.Tests;

/// <summary>What a key holder can reach through the relay: only the model endpoints of each API format.</summary>
[Collection(PoolCollection.Name)]
public sealed class RelayAccessTests(PoolPlatform platform)
{
    private readonly PoolStack _stack = platform.Relay;
    private LlmStandIn Llm => platform.Llm;

    [Fact]
    public async Task The_model_endpoints_of_both_formats_reach_the_upstream_at_their_own_path_with_the_accounts_token()
    {
        var account = (await _stack.FreshAccountsAsync(0))[0];
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid());
        var cases = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Post, "/v1/messages", RelayWorld.Message(key)),
            (HttpMethod.Post, "/v1/messages/count_tokens", RelayWorld.Message(key)),
            (HttpMethod.Get, "/v1/models", null),
            (HttpMethod.Get, "/v1/models/claude-sonnet-4-20250514", null),
            (HttpMethod.Post, "/v1/chat/completions", new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "hi " + key } } }),
        };
        foreach (var (method, path, body) in cases)
        {
            var marker = Guid.NewGuid().ToString("N");
            using var request = new HttpRequestMessage(method, "/relay" + path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Add("x-stainless-probe", marker);
            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var call = Assert.Single(Llm.Calls, c => c.Headers.GetValueOrDefault("x-stainless-probe") == marker);
            Assert.Equal((method.Method, path, account.Token), (call.Method, call.PathAndQuery, call.Token));
        }
        // The chat completion's usage (OpenAI's prompt and completion tokens) is metered like a message's.
        Assert.True(await Eventually.TrueAsync(async () => await PoolApi.ScalarAsync(_stack.Database,
            "SELECT coalesce(sum(output_tokens), 0) FROM relay_usage WHERE api_key_id = $1 AND period = 'day' AND model = 'gpt-4o-mini'", key) == 50,
            TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("GET", "/relay/v1/files")]
    [InlineData("POST", "/relay/v1/files")]
    [InlineData("DELETE", "/relay/v1/messages")]
    [InlineData("GET", "/relay/v1/messages")]
    [InlineData("PUT", "/relay/v1/messages")]
    [InlineData("POST", "/relay/v1/messages/batches")]
    [InlineData("GET", "/relay/v1/messages/batches/msgbatch_1/results")]
    [InlineData("GET", "/relay/v1/organizations/org_1/users")]
    [InlineData("POST", "/relay/v1/organizations/org_1/invites")]
    [InlineData("DELETE", "/relay/v1/models/claude-sonnet-4-20250514")]
    [InlineData("POST", "/relay/v1/models")]
    [InlineData("GET", "/relay/v1/chat/completions")]
    [InlineData("POST", "/relay/v1/completions")]
    [InlineData("POST", "/relay/v1/embeddings")]
    [InlineData("POST", "/relay/v2/messages")]
    [InlineData("POST", "/relay/v1/Messages")]
    [InlineData("HEAD", "/relay/v1/models")]
    [InlineData("POST", "/relay/v1/messages/")]
    [InlineData("POST", "/relay/v1/messages/extra")]
    [InlineData("POST", "/relay/v1/messages/count_tokens/extra")]
    [InlineData("POST", "/relay/v1/chat/completions/extra")]
    [InlineData("POST", "/relay/v1//messages")]
    [InlineData("POST", "/relay//v1/messages")]
    [InlineData("POST", "/relay/v1/messages/../files")]
    [InlineData("POST", "/relay/v1/messages/./../files")]
    [InlineData("POST", "/relay/v1/messages/%2e%2e/files")]
    [InlineData("POST", "/relay/v1/messages/%2E%2E%2Ffiles")]
    [InlineData("POST", "/relay/v1/messages%2F..%2Ffiles")]
    [InlineData("POST", "/relay/v1/messages%2Fbatches")]
    [InlineData("POST", "/relay/v1/messages;batches")]
    [InlineData("GET", "/relay/v1/models/")]
    [InlineData("GET", "/relay/v1/models/..")]
    [InlineData("GET", "/relay/v1/models/%2e%2e")]
    [InlineData("GET", "/relay/v1/models/%2e%2e%2Ffiles")]
    [InlineData("GET", "/relay/v1/models/claude%2F..%2F..%2Ffiles")]
    [InlineData("GET", "/relay/v1/models/claude/extra")]
    [InlineData("GET", "/relay/v1/models/.hidden")]
    [InlineData("GET", "/relay/v1/models/claude%20x")]
    [InlineData("GET", "/relay/v1/models//claude")]
    public async Task Any_other_method_or_path_is_404_endpoint_not_relayed_and_never_reaches_the_upstream(string method, string path)
    {
        await _stack.FreshAccountsAsync(0);
        using var client = _stack.ApiKey(RelayWorld.NewKey(), Guid.NewGuid());
        var marker = Guid.NewGuid().ToString("N");
        // The path goes out exactly as written: no dot segments removed, no escapes undone by the client.
        var target = new Uri(_stack.A.Address.GetLeftPart(UriPartial.Authority) + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(method), target);
        if (method is "POST" or "PUT") request.Content = JsonContent.Create(RelayWorld.Message(marker));
        request.Headers.Add("x-stainless-probe", marker);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        if (method != "HEAD")
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("endpoint_not_relayed", await response.ProblemCodeAsync());
        }
        // A request that had been sent on would carry the marker (x-stainless-* headers pass) and its body.
        Assert.DoesNotContain(Llm.Calls, c => c.Headers.GetValueOrDefault("x-stainless-probe") == marker || c.Body.Contains(marker, StringComparison.Ordinal));
    }
}
