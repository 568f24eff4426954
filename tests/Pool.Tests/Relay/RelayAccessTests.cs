using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Pool.Tests.Relay;

/// <summary>
/// What a key holder can reach through the relay (only the model endpoints of each API format) and what their
/// requests can do to the shared accounts (nothing: only an account's own check or a rate limit the upstream
/// attributes to it takes it out of service).
/// </summary>
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

    [Fact]
    public async Task A_403_for_a_model_the_upstream_refuses_is_the_clients_answer_and_the_account_stays_in_service()
    {
        var accounts = await _stack.FreshAccountsAsync(0, 0);
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid());
        var model = "claude-forbidden-" + key;
        Llm.RefuseModel(model, 403);
        var checksBefore = Llm.ModelListCallers.Count;

        using (var refused = await client.SendAsync(RelayWorld.Message(key, model: model)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("refused", (await refused.JsonAsync()).GetProperty("error").GetProperty("type").GetString());
        }
        // Sent once (not tried on the other account), and the account's own check passed.
        var served = Assert.Single(Llm.TokensFor(key));
        Assert.Equal([served], Llm.ModelListCallers.Skip(checksBefore));
        await AssertInServiceAsync(accounts);

        using var next = await client.SendAsync(RelayWorld.Message(key + "next"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_401_for_a_missing_header_is_the_clients_answer_the_account_stays_and_a_passed_check_is_trusted_for_a_while()
    {
        var account = (await _stack.FreshAccountsAsync(0))[0];
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid());
        var model = "claude-needs-beta-" + key;
        Llm.RequireHeader(model, "anthropic-beta");

        for (var i = 0; i < 3; i++)
        {
            using var refused = await client.SendAsync(RelayWorld.Message(key + i, model: model));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        // Three refused requests, one check: its pass is trusted for Relay:AccountCheckCacheSeconds.
        Assert.Single(Llm.ModelListCallers, t => t == account.Token);
        await AssertInServiceAsync([account]);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/relay/v1/messages") { Content = JsonContent.Create(RelayWorld.Message(key + "beta", model: model)) };
        request.Headers.Add("anthropic-beta", "some-feature");
        using var served = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal([account.Token], Llm.TokensFor(key + "beta"));
    }

    [Fact]
    public async Task An_account_whose_token_is_revoked_fails_its_check_and_leaves_the_schedule_once_the_trusted_check_is_old()
    {
        var accounts = await _stack.FreshAccountsAsync(10, 0);
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid(), on: _stack.B);
        var model = "claude-forbidden-" + key;
        Llm.RefuseModel(model, 403);
        // A request the upstream refuses has the first account checked, and passed.
        using (var refused = await client.SendAsync(RelayWorld.Message(key, model: model)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        var first = accounts.Single(a => a.Token == Llm.TokensFor(key).Single());
        var other = accounts.Single(a => a != first);

        // Now the upstream refuses the first account's token everywhere, the check call too.
        Llm.Refuse(first.Token, 403);
        Llm.Refuse(other.Token, 529);
        using (var stillTrusted = await client.SendAsync(RelayWorld.Message(key + "a", system: "stick " + key)))
        {
            // While its passed check is trusted, the 403 is taken for the request's and passed on.
            Assert.Equal(HttpStatusCode.Forbidden, stillTrusted.StatusCode);
        }
        Llm.Accept(other.Token);
        _stack.Clock.Advance(TimeSpan.FromSeconds(61));
        try
        {
            var checksBefore = Llm.ModelListCallers.Count;
            using var response = await client.SendAsync(RelayWorld.Message(key + "b", system: "stick " + key));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal([first.Token, other.Token], Llm.TokensFor(key + "b"));
            Assert.Equal([first.Token], Llm.ModelListCallers.Skip(checksBefore));
            Assert.Equal("invalid", await PoolApi.TextAsync(_stack.Database, "SELECT status FROM mothers WHERE id = $1", first.Id));
            Assert.Equal(0, await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM relay_sticky_sessions WHERE mother_id = $1", first.Id));
            await AssertInServiceAsync([other]);
        }
        finally
        {
            _stack.Clock.Advance(TimeSpan.FromSeconds(-61));
            Llm.Accept(first.Token);
        }
    }

    [Fact]
    public async Task A_429_the_request_caused_is_passed_on_and_leaves_the_account_as_it_is()
    {
        var accounts = await _stack.FreshAccountsAsync(0, 0);
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid());
        var model = "claude-too-big-" + key;
        // No Retry-After, nothing exhausted: the upstream does not say the account is out of anything.
        Llm.RefuseModel(model, 429, new Dictionary<string, string> { ["anthropic-ratelimit-requests-remaining"] = "49" });

        using var refused = await client.SendAsync(RelayWorld.Message(key, model: model));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Single(Llm.TokensFor(key));
        await AssertInServiceAsync(accounts);
    }

    [Fact]
    public async Task A_429_the_upstream_attributes_to_the_account_rests_it_for_its_reset_within_the_configured_bounds()
    {
        var accounts = await _stack.FreshAccountsAsync(10, 0);
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid());
        var now = _stack.Clock.GetUtcNow();
        Llm.Refuse(accounts[0].Token, 429, headers: new Dictionary<string, string>
        {
            ["anthropic-ratelimit-requests-remaining"] = "0",
            ["anthropic-ratelimit-requests-reset"] = now.AddSeconds(40).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["anthropic-ratelimit-tokens-remaining"] = "0",
            ["anthropic-ratelimit-tokens-reset"] = now.AddSeconds(20).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        });
        Llm.Refuse(accounts[1].Token, 429, retryAfter: "999999");
        try
        {
            using var response = await client.SendAsync(RelayWorld.Message(key));
            // Both accounts were tried; the last refusal is the client's answer.
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(2, Llm.TokensFor(key).Count);

            // Until the later of the exhausted limits' resets.
            Assert.InRange(await RestsForAsync(accounts[0].Id), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(41));
            // A Retry-After past Relay:RateLimitMaxSeconds (3600) rests no longer than that.
            Assert.InRange(await RestsForAsync(accounts[1].Id), TimeSpan.FromSeconds(3590), TimeSpan.FromSeconds(3601));
            Assert.Equal(2, await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM mothers WHERE id = ANY($1) AND status = 'active'", accounts.Select(a => a.Id).ToArray()));
        }
        finally
        {
            Llm.Accept(accounts[0].Token);
            Llm.Accept(accounts[1].Token);
        }
    }

    private async Task<TimeSpan> RestsForAsync(Guid accountId) =>
        DateTimeOffset.Parse(await PoolApi.TextAsync(_stack.Database, "SELECT rate_limited_until::text FROM mothers WHERE id = $1", accountId), CultureInfo.InvariantCulture)
        - _stack.Clock.GetUtcNow();

    /// <summary>Each account is active, schedulable and not resting.</summary>
    private async Task AssertInServiceAsync(IEnumerable<RelayWorld.Account> accounts)
    {
        var ids = accounts.Select(a => a.Id).ToArray();
        Assert.Equal(ids.Length, await PoolApi.ScalarAsync(_stack.Database,
            "SELECT count(*) FROM mothers WHERE id = ANY($1) AND status = 'active' AND schedulable AND rate_limited_until IS NULL", ids));
    }
}
