using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Pool;
using Platform.Contracts.Promo;
using Platform.ServiceDefaults.Auth;
using Pool.Tests.Relay;

namespace Pool.Tests.Plans;

/// <summary>
/// Relay plans (docs/relay.md "Plans"): no plan or an ended one is 403 <c>relay_not_entitled</c>; a plan's models,
/// requests a minute, concurrency and daily cost hold over all of a person's keys; administrators set plans (audited,
/// by permission) and paid relay orders give them, once per order however often the event comes.
/// </summary>
[Collection(PoolCollection.Name)]
public sealed class RelayPlanTests(PoolPlatform platform)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly PoolStack _stack = platform.Relay;
    private LlmStandIn Llm => platform.Llm;

    [Fact]
    public async Task A_key_whose_owner_has_no_plan_is_403_relay_not_entitled_until_an_admin_grants_one_and_again_once_it_is_removed()
    {
        await _stack.FreshAccountsAsync(0);
        var key = RelayWorld.NewKey();
        var user = Guid.NewGuid();
        using var client = _stack.ApiKey(key, user, plan: false);

        using (var refused = await client.SendAsync(RelayWorld.Message(key)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("relay_not_entitled", await refused.ProblemCodeAsync());
        }
        Assert.Empty(Llm.TokensFor(key));

        await _stack.GrantPlanAsync(user, PoolStack.RoomyPlan);
        using (var works = await client.SendAsync(RelayWorld.Message(key + "granted")))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }

        using var admin = _stack.Admin();
        using (var removed = await admin.DeleteAsync($"/api/pool/relay/plans/{user}")) Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using (var again = await client.SendAsync(RelayWorld.Message(key + "removed")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
            Assert.Equal("relay_not_entitled", await again.ProblemCodeAsync());
        }
        Assert.Empty(Llm.TokensFor(key + "removed"));
        using (var gone = await admin.DeleteAsync($"/api/pool/relay/plans/{user}")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_plan_that_ended_is_403_relay_not_entitled_at_once()
    {
        await _stack.FreshAccountsAsync(0);
        var key = RelayWorld.NewKey();
        var user = Guid.NewGuid();
        await _stack.GrantPlanAsync(user, new { dailyCost = 10m, requestsPerMinute = 100, concurrency = 5, expiresAt = _stack.Clock.GetUtcNow().AddHours(1) });
        using var client = _stack.ApiKey(key, user, plan: false);
        using (var works = await client.SendAsync(RelayWorld.Message(key))) Assert.Equal(HttpStatusCode.OK, works.StatusCode);

        _stack.Clock.Advance(TimeSpan.FromHours(2));
        try
        {
            using var refused = await client.SendAsync(RelayWorld.Message(key + "late"));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("relay_not_entitled", await refused.ProblemCodeAsync());
            Assert.Empty(Llm.TokensFor(key + "late"));
            using var admin = _stack.Admin();
            var plan = await admin.GetFromJsonAsync<JsonElement>($"/api/pool/relay/plans/{user}");
            Assert.Equal("expired", plan.GetProperty("status").GetString());
        }
        finally
        {
            _stack.Clock.Advance(TimeSpan.FromHours(-2));
        }
    }

    [Fact]
    public async Task A_plans_models_and_concurrency_hold_over_all_of_a_persons_keys()
    {
        await _stack.FreshAccountsAsync(0);
        var user = Guid.NewGuid();
        var (key1, key2) = (RelayWorld.NewKey(), RelayWorld.NewKey());
        await _stack.GrantPlanAsync(user, new { dailyCost = 10m, requestsPerMinute = 1000, concurrency = 1, allowedModels = new[] { "claude-haiku-4" } });
        using var first = _stack.ApiKey(key1, user, plan: false);
        using var second = _stack.ApiKey(key2, user, plan: false, on: _stack.B);

        using (var otherModel = await first.SendAsync(RelayWorld.Message(key1 + "sonnet")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, otherModel.StatusCode);
            var problem = await otherModel.JsonAsync();
            Assert.Equal("model_not_allowed", problem.GetProperty("code").GetString());
            Assert.Equal("claude-haiku-4", problem.GetProperty("allowedModels")[0].GetString());
        }
        // A body the relay cannot read a model from does not slip past the list.
        using (var hidden = await first.PostAsync("/relay/v1/messages", new StringContent("{\"model\":\"claude-opus-4\"}", null, "text/plain")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, hidden.StatusCode);
            Assert.Equal("model_not_allowed", await hidden.ProblemCodeAsync());
        }
        Assert.Empty(Llm.TokensFor(key1 + "sonnet"));

        var gate = Llm.Hold("held-" + key1);
        var held = first.SendAsync(RelayWorld.Message(key1, hold: "held-" + key1, model: "claude-haiku-4-5-20251001"));
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        using (var busy = await second.SendAsync(RelayWorld.Message(key2, model: "claude-haiku-4-5-20251001")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
            var problem = await busy.JsonAsync();
            Assert.Equal("concurrency_limit", problem.GetProperty("code").GetString());
            Assert.Equal("plan", problem.GetProperty("scope").GetString());
            Assert.Equal(1, problem.GetProperty("limit").GetInt32());
        }
        Assert.Empty(Llm.TokensFor(key2));
        gate.Release();
        using (var done = await held) Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.True(await Eventually.TrueAsync(async () =>
            await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM relay_slots WHERE scope = $1", "user:" + user) == 0, Deadline), "the person's slot was not released");
        using var next = await second.SendAsync(RelayWorld.Message(key2 + "after", model: "claude-haiku-4-5-20251001"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_plans_requests_per_minute_and_daily_cost_count_every_key_of_the_person()
    {
        await _stack.FreshAccountsAsync(0);
        // Start at the beginning of a minute, so the three requests below share one.
        var now = _stack.Clock.GetUtcNow();
        var shift = TimeSpan.FromSeconds(61 - now.Second);
        _stack.Clock.Advance(shift);
        try
        {
            var user = Guid.NewGuid();
            var (key1, key2) = (RelayWorld.NewKey(), RelayWorld.NewKey());
            await _stack.GrantPlanAsync(user, new { dailyCost = 1m, requestsPerMinute = 2, concurrency = 5 });
            using var first = _stack.ApiKey(key1, user, plan: false);
            using var second = _stack.ApiKey(key2, user, plan: false);
            using (var one = await first.SendAsync(RelayWorld.Message(key1))) Assert.Equal(HttpStatusCode.OK, one.StatusCode);
            using (var two = await second.SendAsync(RelayWorld.Message(key2))) Assert.Equal(HttpStatusCode.OK, two.StatusCode);
            using (var three = await first.SendAsync(RelayWorld.Message(key1 + "3")))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, three.StatusCode);
                Assert.Equal("rate_limited", await three.ProblemCodeAsync());
                Assert.True(three.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
            }
            Assert.Empty(Llm.TokensFor(key1 + "3"));
        }
        finally
        {
            _stack.Clock.Advance(-shift);
        }

        // Daily cost: each request costs 0.001128 (RelayTests); a plan of 0.002 a day allows two, whichever keys send them.
        var spender = Guid.NewGuid();
        var (a, b) = (RelayWorld.NewKey(), RelayWorld.NewKey());
        await _stack.GrantPlanAsync(spender, new { dailyCost = 0.002m, requestsPerMinute = 100, concurrency = 5 });
        using var keyA = _stack.ApiKey(a, spender, plan: false);
        using var keyB = _stack.ApiKey(b, spender, plan: false);
        using (var one = await keyA.SendAsync(RelayWorld.Message(a))) Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using (var two = await keyB.SendAsync(RelayWorld.Message(b))) Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        Assert.True(await Eventually.TrueAsync(async () =>
            await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM relay_usage WHERE user_id = $1 AND period = 'day'", spender) == 2, Deadline));
        using var over = await keyA.SendAsync(RelayWorld.Message(a + "over"));
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        var problem = await over.JsonAsync();
        Assert.Equal("daily_cost_limit", problem.GetProperty("code").GetString());
        Assert.Equal("plan", problem.GetProperty("scope").GetString());
        Assert.Equal(0.002256m, problem.GetProperty("cost").GetDecimal());
        Assert.Empty(Llm.TokensFor(a + "over"));
    }

    [Fact]
    public async Task A_key_without_the_relay_scope_is_403_scope_required_in_pool_too()
    {
        var key = RelayWorld.NewKey();
        using var client = _stack.ApiKey(key, Guid.NewGuid(), scopes: [InternalClaims.Scopes.Api]);
        using var refused = await client.SendAsync(RelayWorld.Message(key));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("scope_required", await refused.ProblemCodeAsync());
        Assert.Empty(Llm.TokensFor(key));
    }

    [Fact]
    public async Task Admins_set_plans_by_permission_with_the_field_named_when_invalid_audited_and_announced_in_version_order()
    {
        var user = Guid.NewGuid();
        using var admin = _stack.Admin();
        var invalid = new (object Body, string Field)[]
        {
            (new { requestsPerMinute = 10, concurrency = 1 }, "dailyCost"),
            (new { dailyCost = 1m, requestsPerMinute = 0, concurrency = 1 }, "requestsPerMinute"),
            (new { dailyCost = 1m, requestsPerMinute = 10, concurrency = 10_001 }, "concurrency"),
            (new { dailyCost = 1m, requestsPerMinute = 10, concurrency = 1, allowedModels = new[] { "claude", " " } }, "allowedModels[1]"),
            (new { dailyCost = 1m, requestsPerMinute = 10, concurrency = 1, expiresAt = _stack.Clock.GetUtcNow().AddMinutes(-1) }, "expiresAt"),
        };
        foreach (var (body, field) in invalid)
        {
            using var response = await admin.PutAsJsonAsync($"/api/pool/relay/plans/{user}", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode}");
            var problem = await response.JsonAsync();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem does not name {field}: {problem}");
        }
        using (var noDomain = _stack.Admin(domain: null))
        using (var refused = await noDomain.PutAsJsonAsync($"/api/pool/relay/plans/{user}", new { dailyCost = 1m, requestsPerMinute = 10, concurrency = 1 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        using (var stranger = _stack.Granted(Permissions.Claim(Permissions.Pool.Relay, Permissions.Write)))
        using (var refused = await stranger.PutAsJsonAsync($"/api/pool/relay/plans/{user}", new { dailyCost = 1m, requestsPerMinute = 10, concurrency = 1 }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var granted = _stack.Granted(Permissions.Claim(Permissions.Pool.RelayPlans, Permissions.Write)))
        using (var set = await granted.PutAsJsonAsync($"/api/pool/relay/plans/{user}",
            new { dailyCost = 2.5m, requestsPerMinute = 10, concurrency = 2, allowedModels = new[] { "Claude-Sonnet-4" } }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            var plan = await set.JsonAsync();
            Assert.Equal("active", plan.GetProperty("status").GetString());
            Assert.Equal("claude-sonnet-4", plan.GetProperty("allowedModels")[0].GetString());
            Assert.Equal("admin", plan.GetProperty("source").GetString());
        }
        using (var changed = await admin.PutAsJsonAsync($"/api/pool/relay/plans/{user}", new { dailyCost = 5m, requestsPerMinute = 20, concurrency = 3 }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }
        Assert.Equal(2, await PoolApi.ScalarAsync(_stack.Database,
            "SELECT count(*) FROM audit_logs WHERE action = 'set_relay_plan' AND entity_id = $1", user.ToString()));
        // The plan as it was before the change (its daily cost is numeric(18,6), so compared as a number).
        var before = await PoolApi.TextAsync(_stack.Database,
            "SELECT before::jsonb ->> 'dailyCost' FROM audit_logs WHERE action = 'set_relay_plan' AND entity_id = $1 AND before IS NOT NULL", user.ToString());
        Assert.Equal(2.5m, decimal.Parse(before!, System.Globalization.CultureInfo.InvariantCulture));

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/pool/relay/plans?status=active&pageSize=200");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), p => p.GetProperty("userId").GetGuid() == user);
        using (var badFilter = await admin.GetAsync("/api/pool/relay/plans?status=sometimes")) Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);

        RelayPlanChanged[] changes = [];
        Assert.True(await Eventually.TrueAsync(() =>
            (changes = [.. _stack.Bus.Answers.OfType<RelayPlanChanged>().Where(c => c.UserId == user).OrderBy(c => c.Version)]).Length == 2, Deadline),
            "the two changes were not announced");
        Assert.Equal(2.5m, changes[0].Terms!.DailyCost);
        Assert.Equal(5m, changes[1].Terms!.DailyCost);
    }

    [Fact]
    public async Task A_paid_relay_order_gives_the_plan_once_however_often_its_event_arrives_and_the_next_order_adds_its_days()
    {
        var user = Guid.NewGuid();
        var terms = new RelayPlanTerms(3m, 30, 2, ["claude-haiku-4"]);
        var order = Guid.NewGuid().ToString("N");
        var messageId = Guid.NewGuid();
        var paidAt = _stack.Clock.GetUtcNow();
        await _stack.Bus.PublishAsync(new RelayPlanPurchased(order, user, terms, 30, paidAt), messageId);

        JsonElement plan = default;
        using var admin = _stack.Admin();
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            using var response = await admin.GetAsync($"/api/pool/relay/plans/{user}");
            if (response.StatusCode != HttpStatusCode.OK) return false;
            plan = await response.JsonAsync();
            return true;
        }, Deadline), "the paid order gave no plan");
        var firstEnd = plan.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(firstEnd, paidAt.AddDays(30).AddSeconds(-5), paidAt.AddDays(30).AddMinutes(1));
        Assert.Equal("order", plan.GetProperty("source").GetString());
        Assert.Equal(2, plan.GetProperty("concurrency").GetInt32());

        // The same message again, and the same order under a new message id: neither adds a day. A later order is
        // applied beside them; once the second copy's inbox row and that order are in, the end shows the later order only.
        var again = Guid.NewGuid();
        await _stack.Bus.PublishAsync(new RelayPlanPurchased(order, user, terms, 30, paidAt), messageId);
        await _stack.Bus.PublishAsync(new RelayPlanPurchased(order, user, terms, 30, paidAt), again);
        await _stack.Bus.PublishAsync(new RelayPlanPurchased(Guid.NewGuid().ToString("N"), user, terms, 10, paidAt));
        Assert.True(await Eventually.TrueAsync(async () =>
            await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM inbox_messages WHERE consumer = 'RelayPlanPurchasedConsumer' AND message_id = $1", again) == 1
            && await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM relay_plan_orders WHERE user_id = $1", user) == 2, Deadline));
        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/pool/relay/plans/{user}");
        Assert.Equal(firstEnd.AddDays(10), after.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(1, await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM relay_plan_orders WHERE order_bid = $1", order));
    }
}
