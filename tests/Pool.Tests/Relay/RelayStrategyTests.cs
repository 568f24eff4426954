using System.Net;
using System.Net.Http.Json;

namespace Pool.Tests.Relay;

/// <summary>Each scheduling strategy on an instance configured for it, over fresh accounts of the relay stack.</summary>
[Collection(PoolCollection.Name)]
public sealed class RelayStrategyTests(PoolPlatform platform)
{
    private readonly PoolStack _stack = platform.Relay;
    private LlmStandIn Llm => platform.Llm;

    /// <summary>Sends <paramref name="count"/> requests one after another, each its own conversation; returns who served each.</summary>
    private async Task<string[]> ServeAsync(PoolApp instance, int count)
    {
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid(), on: instance);
        var served = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var marker = $"{key}-{i}-";
            using var response = await client.SendAsync(RelayWorld.Message(marker));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served.Add(Llm.TokensFor(marker)[^1]);
        }
        return [.. served];
    }

    private Task<PoolApp> InstanceAsync(string strategy, params (string Key, string? Value)[] more) =>
        _stack.StartInstanceAsync(new Dictionary<string, string?>(more.Select(m => KeyValuePair.Create(m.Key, m.Value)))
        {
            ["Relay:Strategy"] = strategy,
        });

    [Fact]
    public async Task Least_recent_takes_the_account_used_longest_ago()
    {
        var accounts = await _stack.FreshAccountsAsync(0, 0);
        await using var instance = await InstanceAsync("least_recent");
        var served = await ServeAsync(instance, 4);
        Assert.Equal(2, served.Distinct().Count());
        Assert.Equal(served[0], served[2]);
        Assert.Equal(served[1], served[3]);
        Assert.NotEqual(served[0], served[1]);
        Assert.Subset(accounts.Select(a => a.Token).ToHashSet(), served.ToHashSet());
    }

    [Fact]
    public async Task Sequential_always_takes_the_highest_priority_account_that_can_serve()
    {
        var accounts = await _stack.FreshAccountsAsync(5, 10, 0);
        await using var instance = await InstanceAsync("sequential");
        Assert.All(await ServeAsync(instance, 3), token => Assert.Equal(accounts[1].Token, token));

        Llm.Refuse(accounts[1].Token, 429, retryAfter: "60");
        Assert.All(await ServeAsync(instance, 3), token => Assert.Equal(accounts[0].Token, token));
        Llm.Accept(accounts[1].Token);
        Assert.All(await ServeAsync(instance, 2), token => Assert.Equal(accounts[0].Token, token));

        // An admin puts the rested account back at once.
        using var admin = _stack.Admin();
        using var cleared = await admin.PatchAsJsonAsync($"/api/pool/mothers/{accounts[1].Id}", new { clearRateLimit = true });
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(1, await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM mothers WHERE id = $1 AND rate_limited_until IS NULL", accounts[1].Id));
        Assert.All(await ServeAsync(instance, 2), token => Assert.Equal(accounts[1].Token, token));
    }

    [Fact]
    public async Task An_admin_switches_every_instances_strategy_at_runtime_and_back_to_the_configured_one()
    {
        var accounts = await _stack.FreshAccountsAsync(5, 10);
        using var admin = _stack.Admin();
        using (var noDomain = await _stack.Admin(domain: null).PutAsJsonAsync("/api/pool/relay/settings", new { strategy = "sequential" }))
        {
            Assert.Equal("domain_mismatch", await noDomain.ProblemCodeAsync());
        }
        using (var unknown = await admin.PutAsJsonAsync("/api/pool/relay/settings", new { strategy = "fastest" }))
        {
            Assert.Equal("invalid_strategy", await unknown.ProblemCodeAsync());
        }
        try
        {
            using var switched = await admin.PutAsJsonAsync("/api/pool/relay/settings", new { strategy = "sequential" });
            Assert.Equal("admin", (await switched.JsonAsync()).GetProperty("source").GetString());
            // Both instances of the stack follow it: sequential keeps to the priority-10 account.
            Assert.All(await ServeAsync(_stack.A, 2), token => Assert.Equal(accounts[1].Token, token));
            Assert.All(await ServeAsync(_stack.B, 2), token => Assert.Equal(accounts[1].Token, token));
            Assert.Equal(1, await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM audit_logs WHERE action = 'update_relay_settings' AND after->>'strategy' = 'sequential'"));
        }
        finally
        {
            using var reset = await admin.PutAsJsonAsync("/api/pool/relay/settings", new { strategy = (string?)null });
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }
        var settings = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/pool/relay/settings");
        Assert.Equal("least_recent", settings.GetProperty("strategy").GetString());
        Assert.Equal("configuration", settings.GetProperty("source").GetString());
        Assert.Equal(2, (await ServeAsync(_stack.A, 2)).Distinct().Count());
    }

    [Fact]
    public async Task Round_robin_takes_turns_through_every_account()
    {
        var accounts = await _stack.FreshAccountsAsync(0, 0, 0);
        await using var instance = await InstanceAsync("round_robin");
        var served = await ServeAsync(instance, 6);
        Assert.Equal(3, served[..3].Distinct().Count());
        Assert.Equal(served[..3], served[3..]);
        Assert.Equal(accounts.Select(a => a.Token).Order(), served[..3].Order());
    }

    [Fact]
    public async Task Least_used_takes_the_account_with_the_fewest_requests_today()
    {
        var accounts = await _stack.FreshAccountsAsync(0, 0);
        var today = new DateTimeOffset(_stack.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        await PoolApi.ScalarAsync(_stack.Database, """
            INSERT INTO relay_usage (period, bucket_start, api_key_id, mother_id, model, input_tokens, output_tokens, cache_create_tokens, cache_read_tokens, requests, cost)
            VALUES ('day', $1, 'seed', $2, 'unknown', 0, 0, 0, 0, 5, 0)
            """, today, accounts[0].Id);
        await using var instance = await InstanceAsync("least_used");
        Assert.All(await ServeAsync(instance, 4), token => Assert.Equal(accounts[1].Token, token));
    }

    [Fact]
    public async Task Random_spreads_over_every_account_and_weighted_random_favours_priority()
    {
        var even = await _stack.FreshAccountsAsync(0, 0);
        await using (var random = await InstanceAsync("random"))
        {
            var served = await ServeAsync(random, 30);
            Assert.Equal(even.Select(a => a.Token).Order(), served.Distinct().Order());
        }

        var weighted = await _stack.FreshAccountsAsync(1, 1000);
        await using var instance = await InstanceAsync("weighted_random");
        var picks = await ServeAsync(instance, 30);
        Assert.All(picks, token => Assert.Contains(token, weighted.Select(a => a.Token)));
        // The light account's chance is 1 in 1001 per request.
        Assert.True(picks.Count(t => t == weighted[1].Token) >= 25, $"the heavy account served only {picks.Count(t => t == weighted[1].Token)} of 30");
    }

    [Fact]
    public async Task Accounts_at_their_concurrency_limit_are_skipped_and_oversized_bodies_are_refused()
    {
        await _stack.FreshAccountsAsync(0);
        await using var instance = await InstanceAsync("least_recent", ("Relay:AccountConcurrency", "1"), ("Relay:MaxRequestBytes", "2048"));
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid(), on: instance);
        var gate = Llm.Hold("busy-" + key);
        var held = client.SendAsync(RelayWorld.Message(key, hold: "busy-" + key));
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        using (var busy = await client.SendAsync(RelayWorld.Message(key + "2")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Equal("accounts_busy", await busy.ProblemCodeAsync());
        }
        gate.Release();
        using (var first = await held)
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var huge = await client.SendAsync(RelayWorld.Message(new string('x', 4096)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("payload_too_large", await huge.ProblemCodeAsync());
    }

    [Fact]
    public async Task An_unreachable_upstream_is_tried_on_each_account_and_answered_502()
    {
        await _stack.FreshAccountsAsync(0, 0);
        await using var instance = await _stack.StartInstanceAsync(new() { ["Relay:UpstreamBaseUrl"] = $"http://127.0.0.1:{PoolPlatform.FreePort()}" });
        using var client = _stack.ApiKey(RelayWorld.NewKey(), Guid.NewGuid(), on: instance);
        using var response = await client.PostAsJsonAsync("/relay/v1/messages", RelayWorld.Message("x"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unreachable", await response.ProblemCodeAsync());
        // Unreachable is the upstream's state, not the accounts': both stay schedulable.
        Assert.Equal(2, await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM mothers WHERE schedulable AND status = 'active' AND rate_limited_until IS NULL"));
    }

    [Fact]
    public async Task Without_an_upstream_the_relay_says_it_is_not_configured()
    {
        await using var instance = await _stack.StartInstanceAsync(new() { ["Relay:UpstreamBaseUrl"] = null });
        using var client = _stack.ApiKey(RelayWorld.NewKey(), Guid.NewGuid(), on: instance);
        using var response = await client.PostAsJsonAsync("/relay/v1/messages", RelayWorld.Message("x"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("relay_not_configured", await response.ProblemCodeAsync());
    }
}
