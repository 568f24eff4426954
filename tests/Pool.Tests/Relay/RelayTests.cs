using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pool.Tests.Relay;

/// <summary>
/// Relay scheduling (docs/relay.md) on two pool instances sharing one database (A with Redis, B without): requests
/// reach the upstream stand-in on a scheduled account, stream back, stick to their account per conversation, fail
/// over when an account is refused, respect per-key concurrency and daily cost, and are metered.
/// </summary>
[Collection(PoolCollection.Name)]
public sealed class RelayTests(PoolPlatform platform)
{
    private readonly PoolStack _stack = platform.Relay;
    private LlmStandIn Llm => platform.Llm;

    [Fact]
    public async Task A_request_reaches_the_upstream_with_the_accounts_credential_only_and_its_usage_is_recorded_in_every_bucket()
    {
        var account = (await _stack.FreshAccountsAsync(0))[0];
        var key = RelayWorld.NewKey();
        var user = Guid.NewGuid();
        using var client = _stack.ApiKey(key, user);
        var marker = Guid.NewGuid().ToString("N");
        var request = new HttpRequestMessage(HttpMethod.Post, "/relay/v1/messages?beta=true") { Content = JsonContent.Create(RelayWorld.Message(marker)) };
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("X-Domain", "pool");
        request.Headers.Add("Cookie", "sid=secret");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("req_standin", response.Headers.GetValues("request-id").Single());
        Assert.False(response.Headers.Contains("Set-Cookie"), "the upstream's cookie reached the client");
        var answer = await response.JsonAsync();
        Assert.Equal("hello", answer.GetProperty("content")[0].GetProperty("text").GetString());
        var call = Assert.Single(Llm.Calls, c => c.Body.Contains(marker));
        Assert.Equal("/v1/messages?beta=true", call.PathAndQuery);
        Assert.Equal(account.Token, call.Token);
        Assert.Equal("2023-06-01", call.Headers["anthropic-version"]);
        // Neither the client's cookie nor one the upstream set on an earlier answer travels upstream.
        Assert.False(call.Headers.ContainsKey("cookie"), "a cookie reached the upstream");
        Assert.False(call.Headers.ContainsKey("x-domain"));

        // One request of 100 input, 50 output, 20 cache-create and 10 cache-read tokens of claude-sonnet-4
        // ($3, $15, $3.75, $0.30 per million): 0.0003 + 0.00075 + 0.000075 + 0.000003.
        const decimal cost = 0.001128m;
        // Usage is written just after the client has its answer.
        Assert.True(await Eventually.TrueAsync(async () =>
            await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM relay_usage WHERE api_key_id = $1", key) == 4, TimeSpan.FromSeconds(10)));
        foreach (var period in new[] { "hour", "day", "month" })
        {
            var usage = await _stack.UsageAsync($"by=key&period={period}&apiKeyId={key}");
            var row = Assert.Single(usage.GetProperty("items").EnumerateArray());
            Assert.Equal(key, row.GetProperty("group").GetString());
            Assert.Equal(1, row.GetProperty("requests").GetInt64());
            Assert.Equal(100, row.GetProperty("inputTokens").GetInt64());
            Assert.Equal(50, row.GetProperty("outputTokens").GetInt64());
            Assert.Equal(20, row.GetProperty("cacheCreateTokens").GetInt64());
            Assert.Equal(10, row.GetProperty("cacheReadTokens").GetInt64());
            Assert.Equal(cost, row.GetProperty("cost").GetDecimal());
        }
        var byModel = await _stack.UsageAsync($"by=model&apiKeyId={key}");
        Assert.Equal("claude-sonnet-4-20250514", Assert.Single(byModel.GetProperty("items").EnumerateArray()).GetProperty("group").GetString());
        var byAccount = await _stack.UsageAsync($"by=account&accountId={account.Id}");
        Assert.Equal(account.Id.ToString(), Assert.Single(byAccount.GetProperty("items").EnumerateArray()).GetProperty("group").GetString());
        Assert.True(await Eventually.TrueAsync(async () => await _stack.SlotsAsync(key) == 0, TimeSpan.FromSeconds(10)), "the slot was not released");

        // The key's owner sees it among their own usage; another user does not.
        using var owner = _stack.ApiKey(RelayWorld.NewKey(), user);
        var mine = await owner.GetFromJsonAsync<JsonElement>("/api/pool/relay/usage/mine");
        Assert.Equal(key, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("group").GetString());
        using var stranger = _stack.ApiKey(RelayWorld.NewKey(), Guid.NewGuid());
        Assert.Empty((await stranger.GetFromJsonAsync<JsonElement>("/api/pool/relay/usage/mine")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_stream_reaches_the_client_event_by_event_and_its_usage_comes_from_message_start_and_message_delta()
    {
        await _stack.FreshAccountsAsync(0);
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid(), concurrency: 1, on: _stack.B);
        var gate = Llm.Hold("stream-" + key);
        var request = new HttpRequestMessage(HttpMethod.Post, "/relay/v1/messages")
        {
            Content = JsonContent.Create(RelayWorld.Message(key, stream: true, hold: "stream-" + key)),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The first event arrives while the upstream is still holding the rest.
        Assert.Equal("event: message_start", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith("data: ", await reader.ReadLineAsync());
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await _stack.SlotsAsync(key));
        gate.Release();
        var rest = await reader.ReadToEndAsync();
        Assert.Contains("event: message_stop", rest);
        // Released when the response ended, once.
        Assert.True(await Eventually.TrueAsync(async () => await _stack.SlotsAsync(key) == 0, TimeSpan.FromSeconds(10)));

        Assert.True(await Eventually.TrueAsync(async () =>
            await PoolApi.ScalarAsync(_stack.Database, "SELECT coalesce(sum(output_tokens), 0) FROM relay_usage WHERE api_key_id = $1 AND period = 'day'", key) == 50,
            TimeSpan.FromSeconds(10)));
        Assert.Equal(100, await PoolApi.ScalarAsync(_stack.Database, "SELECT input_tokens FROM relay_usage WHERE api_key_id = $1 AND period = 'day'", key));
        Assert.Equal(20, await PoolApi.ScalarAsync(_stack.Database, "SELECT cache_create_tokens FROM relay_usage WHERE api_key_id = $1 AND period = 'day'", key));
        Assert.Equal(10, await PoolApi.ScalarAsync(_stack.Database, "SELECT cache_read_tokens FROM relay_usage WHERE api_key_id = $1 AND period = 'day'", key));
    }

    [Fact]
    public async Task A_conversation_sticks_to_its_account_by_the_hash_of_its_cacheable_prompt_and_moves_when_the_account_is_rate_limited()
    {
        var accounts = await _stack.FreshAccountsAsync(0, 0);
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid());
        var system = "You are the sticky assistant " + key;
        var conversation = new[] { "a", "b", "c", "d" }.Select(turn => RelayWorld.Message(key + turn, system: system)).ToArray();

        // least_recent alone would alternate between the two accounts; the system prompt keeps them on one.
        foreach (var (body, i) in conversation.Select((b, i) => (b, i)))
        {
            using var client2 = _stack.ApiKey(key, Guid.NewGuid(), on: i % 2 == 0 ? _stack.A : _stack.B);
            using var response = await client2.SendAsync(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var served = Llm.TokensFor(key);
        Assert.Equal(4, served.Count);
        Assert.Single(served.Distinct());
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(system)))[..32];
        var stuck = accounts.Single(a => a.Token == served[0]);
        Assert.Equal(stuck.Id.ToString(), await PoolApi.TextAsync(_stack.Database, "SELECT mother_id FROM relay_sticky_sessions WHERE session_hash = $1", expectedHash));

        // The account is rate limited: this turn is answered by the other account, which the conversation keeps.
        Llm.Refuse(stuck.Token, 429, retryAfter: "120");
        using (var response = await client.SendAsync(RelayWorld.Message(key + "e", system: system)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var other = accounts.Single(a => a != stuck);
        Assert.Equal([stuck.Token, other.Token], Llm.TokensFor(key + "e"));
        var restsUntil = DateTimeOffset.Parse(await PoolApi.TextAsync(_stack.Database, "SELECT rate_limited_until::text FROM mothers WHERE id = $1", stuck.Id));
        Assert.InRange(restsUntil - _stack.Clock.GetUtcNow(), TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(121));
        Assert.Equal(other.Id.ToString(), await PoolApi.TextAsync(_stack.Database, "SELECT mother_id FROM relay_sticky_sessions WHERE session_hash = $1", expectedHash));
        Llm.Accept(stuck.Token);
        using (var response = await client.SendAsync(RelayWorld.Message(key + "f", system: system)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal([other.Token], Llm.TokensFor(key + "f"));
    }

    [Fact]
    public async Task An_account_whose_credential_is_refused_leaves_the_schedule_and_the_request_is_served_by_another()
    {
        var accounts = await _stack.FreshAccountsAsync(10, 0);
        Llm.Refuse(accounts[0].Token, 401);
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid());
        using var response = await client.SendAsync(RelayWorld.Message(key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(accounts[1].Token, Llm.TokensFor(key));
        // Marked only because its own check call (GET /v1/models with its token) was refused too.
        Assert.Contains(accounts[0].Token, Llm.ModelListCallers);
        Assert.Equal("invalid", await PoolApi.TextAsync(_stack.Database, "SELECT status FROM mothers WHERE id = $1", accounts[0].Id));

        // With no account left, the upstream's own refusal is what the client sees after the last attempt.
        Llm.Refuse(accounts[1].Token, 529);
        using var overloaded = await client.SendAsync(RelayWorld.Message(key + "x"));
        Assert.Equal(529, (int)overloaded.StatusCode);
        Llm.Accept(accounts[1].Token);
        Assert.Equal("active", await PoolApi.TextAsync(_stack.Database, "SELECT status FROM mothers WHERE id = $1", accounts[1].Id));
    }

    [Fact]
    public async Task A_key_over_its_concurrency_gets_429_with_current_and_limit_on_any_instance_and_its_slot_is_released_once_when_the_response_ends()
    {
        await _stack.FreshAccountsAsync(0);
        var key = RelayWorld.NewKey();
        var user = Guid.NewGuid();
        using var onA = _stack.ApiKey(key, user, concurrency: 1);
        using var onB = _stack.ApiKey(key, user, concurrency: 1, on: _stack.B);
        var gate = Llm.Hold("held-" + key);
        var held = onA.SendAsync(RelayWorld.Message(key, hold: "held-" + key));
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));

        using (var refused = await onB.SendAsync(RelayWorld.Message(key + "b")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
            var problem = await refused.JsonAsync();
            Assert.Equal("concurrency_limit", problem.GetProperty("code").GetString());
            Assert.Equal(1, problem.GetProperty("current").GetInt32());
            Assert.Equal(1, problem.GetProperty("limit").GetInt32());
        }
        Assert.Empty(Llm.TokensFor(key + "b"));

        gate.Release();
        using (var first = await held)
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        Assert.True(await Eventually.TrueAsync(async () => await _stack.SlotsAsync(key) == 0, TimeSpan.FromSeconds(10)), "the slot was not released");
        using var next = await onB.SendAsync(RelayWorld.Message(key + "c"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.True(await Eventually.TrueAsync(async () => await _stack.SlotsAsync(key) == 0, TimeSpan.FromSeconds(10)), "the slot was not released");
    }

    [Fact]
    public async Task Concurrent_requests_of_one_key_on_two_instances_never_hold_more_slots_than_its_limit()
    {
        await _stack.FreshAccountsAsync(0, 0);
        var key = RelayWorld.NewKey();
        var user = Guid.NewGuid();
        var pen = Llm.HoldAll("pen-" + key);
        using var onA = _stack.ApiKey(key, user, concurrency: 3);
        using var onB = _stack.ApiKey(key, user, concurrency: 3, on: _stack.B);
        var requests = Enumerable.Range(0, 12).Select(i => (i % 2 == 0 ? onA : onB).SendAsync(RelayWorld.Message(key + i, hold: "pen-" + key))).ToArray();

        // Nine are refused while three wait upstream; none more gets through.
        Assert.True(await Eventually.TrueAsync(() => requests.Count(r => r.IsCompleted) == 9, TimeSpan.FromSeconds(20)), "nine requests were not refused");
        Assert.All(requests.Where(r => r.IsCompleted), r => Assert.Equal(HttpStatusCode.TooManyRequests, r.Result.StatusCode));
        Assert.Equal(3, pen.Inside);
        Assert.Equal(3, await _stack.SlotsAsync(key));

        pen.Release();
        var answers = await Task.WhenAll(requests);
        Assert.Equal(3, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var answer in answers) answer.Dispose();
        Assert.True(await Eventually.TrueAsync(async () => await _stack.SlotsAsync(key) == 0, TimeSpan.FromSeconds(10)), "the slot was not released");
    }

    [Fact]
    public async Task A_client_that_leaves_mid_stream_releases_its_slot_and_what_was_used_is_still_recorded()
    {
        await _stack.FreshAccountsAsync(0);
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid(), concurrency: 2);
        var gate = Llm.Hold("left-" + key);
        var request = new HttpRequestMessage(HttpMethod.Post, "/relay/v1/messages") { Content = JsonContent.Create(RelayWorld.Message(key, stream: true, hold: "left-" + key)) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("event: message_start", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, await _stack.SlotsAsync(key));

        response.Dispose();
        reader.Dispose();
        Assert.True(await Eventually.TrueAsync(async () => await _stack.SlotsAsync(key) == 0, TimeSpan.FromSeconds(10)), "the slot was not released");
        gate.Release();
        // message_start's input tokens were used upstream, whatever became of the answer.
        Assert.True(await Eventually.TrueAsync(async () =>
            await PoolApi.ScalarAsync(_stack.Database, "SELECT coalesce(sum(input_tokens), 0) FROM relay_usage WHERE api_key_id = $1 AND period = 'day'", key) == 100,
            TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_slot_left_by_a_crashed_instance_stops_counting_when_its_lease_runs_out()
    {
        await _stack.FreshAccountsAsync(0);
        var key = RelayWorld.NewKey();
        await PoolApi.ScalarAsync(_stack.Database, "INSERT INTO relay_slots (id, scope, expires_at) VALUES (gen_random_uuid(), $1, $2)",
            "key:" + key, _stack.Clock.GetUtcNow().AddSeconds(180));
        using var client = _stack.ApiKey(key, Guid.NewGuid(), concurrency: 1);
        using (var refused = await client.SendAsync(RelayWorld.Message(key)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        _stack.Clock.Advance(TimeSpan.FromSeconds(181));
        try
        {
            using var served = await client.SendAsync(RelayWorld.Message(key + "later"));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
        finally
        {
            _stack.Clock.Advance(TimeSpan.FromSeconds(-181));
        }
    }

    [Fact]
    public async Task A_key_that_spent_its_daily_cost_is_refused_until_the_next_day()
    {
        await _stack.FreshAccountsAsync(0);
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid(), dailyCost: 0.001m);
        using (var first = await client.SendAsync(RelayWorld.Message(key)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        Assert.True(await Eventually.TrueAsync(async () =>
            await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM relay_usage WHERE api_key_id = $1", key) == 4, TimeSpan.FromSeconds(10)));
        using var refused = await client.SendAsync(RelayWorld.Message(key + "2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var problem = await refused.JsonAsync();
        Assert.Equal("daily_cost_limit", problem.GetProperty("code").GetString());
        Assert.Equal(0.001128m, problem.GetProperty("cost").GetDecimal());
        Assert.Empty(Llm.TokensFor(key + "2"));
    }

    [Fact]
    public async Task Requests_the_relay_cannot_take_are_refused_with_a_problem_naming_why()
    {
        await _stack.FreshAccountsAsync();
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid());
        using (var none = await client.SendAsync(RelayWorld.Message(key)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, none.StatusCode);
            Assert.Equal("no_account_available", await none.ProblemCodeAsync());
        }
        using (var user = _stack.Admin(domain: null))
        using (var notAKey = await user.PostAsJsonAsync("/relay/v1/messages", RelayWorld.Message(key)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notAKey.StatusCode);
            Assert.Equal("api_key_required", await notAKey.ProblemCodeAsync());
        }
        using (var anonymous = new HttpClient { BaseAddress = _stack.A.Address })
        using (var unauthenticated = await anonymous.PostAsJsonAsync("/relay/v1/messages", RelayWorld.Message(key)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        }
        using var admin = _stack.Admin();
        using (var badPeriod = await admin.GetAsync("/api/pool/relay/usage?period=week"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badPeriod.StatusCode);
            Assert.Equal("invalid_period", await badPeriod.ProblemCodeAsync());
        }
        using (var badBy = await admin.GetAsync("/api/pool/relay/usage?by=colour"))
        {
            Assert.Equal("invalid_by", await badBy.ProblemCodeAsync());
        }
        using (var badWindow = await admin.GetAsync("/api/pool/relay/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"))
        {
            Assert.Equal("invalid_from", await badWindow.ProblemCodeAsync());
        }
        foreach (var query in new[] { "accountId=nope", "from=yesterday", "minutes=many" })
        {
            using var malformed = await admin.GetAsync((query.StartsWith("minutes") ? "/api/pool/relay/realtime?" : "/api/pool/relay/usage?") + query);
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        }
        using (var badMinutes = await admin.GetAsync("/api/pool/relay/realtime?minutes=0"))
        {
            Assert.Equal("invalid_minutes", await badMinutes.ProblemCodeAsync());
        }
        using (var notAdmin = await client.GetAsync("/api/pool/relay/usage"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        }
    }

    [Fact]
    public async Task Realtime_figures_average_the_last_minutes_of_requests_and_tokens()
    {
        await _stack.FreshAccountsAsync(0);
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid());
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.SendAsync(RelayWorld.Message(key + i));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using var admin = _stack.Admin();
        var realtime = default(JsonElement);
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            realtime = await admin.GetFromJsonAsync<JsonElement>($"/api/pool/relay/realtime?minutes=5&apiKeyId={key}");
            return realtime.GetProperty("requests").GetInt64() == 3;
        }, TimeSpan.FromSeconds(10)));
        Assert.Equal(3, realtime.GetProperty("requests").GetInt64());
        Assert.Equal(3 * 180, realtime.GetProperty("tokens").GetInt64());
        Assert.Equal(0.6, realtime.GetProperty("rpm").GetDouble(), 3);
        Assert.Equal(108, realtime.GetProperty("tpm").GetDouble(), 3);
    }
}
