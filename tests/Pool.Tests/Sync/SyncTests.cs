using System.Net;
using System.Net.Http.Json;
using Pool.Api;

namespace Pool.Tests.Sync;

/// <summary>Pool groups and their sync: one live job per mother however many ask at once.</summary>
public abstract class SyncTests(PoolStack stack)
{
    [Fact]
    public async Task Hundred_concurrent_syncs_of_a_group_create_exactly_one_live_job_per_mother_and_the_rest_get_it_back()
    {
        using var admin = stack.Admin();
        using var adminB = stack.Admin(b: true);
        var groupId = await admin.CreateGroupAsync();
        var tokens = Enumerable.Range(0, 3).Select(_ => stack.Upstream.AddAccount("unnamed team")).ToList();
        var mothers = new List<Guid>();
        foreach (var token in tokens)
        {
            mothers.Add((await admin.CreateMotherAsync(groupId, token)).GetProperty("id").GetGuid());
        }
        // Hold each job at its first upstream call, so every job stays live (running) for the whole burst.
        var gates = tokens.Select(t => stack.Upstream.Hold("teams", t)).ToList();

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? admin : adminB).PostAsync($"/api/pool/pool-groups/{groupId}/sync", null);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("pool", response.Headers.GetValues("X-Domain-Ack").Single());
            return await response.JsonAsync();
        }));

        Assert.Equal(3, responses.Sum(r => r.GetProperty("enqueued").GetInt32()));
        Assert.Equal(297, responses.Sum(r => r.GetProperty("reused").GetInt32()));
        var jobIds = responses.Select(r => string.Join(",", r.GetProperty("jobIds").EnumerateArray().Select(j => j.GetGuid()).Order())).Distinct().ToList();
        Assert.Single(jobIds);
        foreach (var mother in mothers)
        {
            Assert.Equal(1, await PoolApi.ScalarAsync(stack.Database,
                "SELECT count(*) FROM pool_jobs WHERE type = 'pool_sync_mother' AND payload->>'motherId' = $1", mother.ToString()));
        }

        gates.ForEach(g => g.Release());
        foreach (var id in jobIds[0].Split(',').Select(Guid.Parse))
        {
            Assert.True(await Eventually.TrueAsync(async () => (await admin.GetJobAsync(id)).GetProperty("status").GetString() == "succeeded",
                TimeSpan.FromSeconds(20)), $"job {id} did not succeed");
        }
        // The sync renamed each team to the group's template once, numbering them by the group's daily sequence.
        var teams = tokens.Select(t => stack.Upstream.TeamsOf(t)[0]).ToList();
        Assert.All(teams, team => Assert.Equal(1, team.Renames));
        Assert.All(teams, team => Assert.Matches(@"^g-[0-9a-f]{12}-\d{8}-\d{3}$", team.Name));
        Assert.Equal(["001", "002", "003"], teams.Select(t => t.Name[^3..]).Order());
    }

    [Fact]
    public async Task Sync_records_upstream_members_as_child_accounts_but_never_the_mother_itself()
    {
        using var admin = stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var token = stack.Upstream.AddAccount("team");
        var motherEmail = PoolApi.NewEmail();
        var mother = (await admin.CreateMotherAsync(groupId, token, email: motherEmail)).GetProperty("id").GetGuid();
        var team = stack.Upstream.TeamsOf(token)[0];
        team.Members[motherEmail] = "m-owner";
        team.Members["one@example.test"] = "m-1";
        team.Members["two@example.test"] = "m-2";

        for (var run = 0; run < 2; run++)
        {
            using var response = await admin.PostAsync($"/api/pool/pool-groups/{groupId}/sync", null);
            var id = (await response.JsonAsync()).GetProperty("jobIds")[0].GetGuid();
            Assert.True(await Eventually.TrueAsync(async () => (await admin.GetJobAsync(id)).GetProperty("status").GetString() == "succeeded", TimeSpan.FromSeconds(20)));
        }
        // Run twice, recorded once; the mother's own email is not a child.
        Assert.Equal(2, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM child_accounts WHERE mother_id = $1", mother));
        Assert.Equal(0, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM child_accounts WHERE email = $1", motherEmail));
        Assert.Equal(1, team.Renames);
    }

    [Fact]
    public async Task Sync_can_fill_free_seats_with_template_accounts_once_resuming_a_seat_an_earlier_run_named()
    {
        using var admin = stack.Admin();
        var name = "t-" + Guid.NewGuid().ToString("N")[..10];
        var groupId = await admin.CreateGroupAsync(extra: new { name, emailDomain = "Seats.Example.test" });
        var token = stack.Upstream.AddAccount("team");
        var mother = (await admin.CreateMotherAsync(groupId, token, seatLimit: 4)).GetProperty("id").GetGuid();
        var team = stack.Upstream.TeamsOf(token)[0];
        // Slot 2 is a redeemer's; slot 1 was named and held by an earlier run that died before its invite.
        var earlier = $"{name}-earlier@seats.example.test";
        await PoolApi.ScalarAsync(stack.Database, """
            UPDATE seats SET status = 'used', team_id = $2, email = 'redeemer@example.test', redemption_id = $3 WHERE mother_id = $1 AND slot = 2 RETURNING 1
            """, mother, team.Id, Guid.NewGuid());
        await PoolApi.ScalarAsync(stack.Database, """
            UPDATE seats SET status = 'held', held_until = now() - interval '1 minute', team_id = $2, email = $3 WHERE mother_id = $1 AND slot = 1 RETURNING 1
            """, mother, team.Id, earlier);

        for (var run = 0; run < 2; run++)
        {
            using var response = await admin.PostAsJsonAsync($"/api/pool/pool-groups/{groupId}/sync", new { inviteTemplateEmails = true });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var id = (await response.JsonAsync()).GetProperty("jobIds")[0].GetGuid();
            Assert.True(await Eventually.TrueAsync(async () => (await admin.GetJobAsync(id)).GetProperty("status").GetString() == "succeeded", TimeSpan.FromSeconds(20)));
        }

        var today = stack.Clock.GetUtcNow().ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        string[] expected = [earlier, "redeemer@example.test", $"{name}-{today}-001@seats.example.test", $"{name}-{today}-002@seats.example.test"];
        for (var slot = 1; slot <= 4; slot++)
        {
            Assert.Equal("used", await PoolApi.TextAsync(stack.Database, "SELECT status FROM seats WHERE mother_id = $1 AND slot = $2", mother, slot));
            Assert.Equal(expected[slot - 1], await PoolApi.TextAsync(stack.Database, "SELECT email FROM seats WHERE mother_id = $1 AND slot = $2", mother, slot));
        }
        // Three invites in two runs: the second found no free seat, and nobody was invited twice.
        Assert.Equal(3, team.Invites);
        Assert.True(team.Members.ContainsKey(earlier));
        Assert.True(team.Members.ContainsKey(expected[3]));
        Assert.Equal(3, await PoolApi.ScalarAsync(stack.Database,
            "SELECT count(*) FROM child_accounts WHERE mother_id = $1 AND email LIKE '%@seats.example.test'", mother));
    }

    [Fact]
    public async Task A_sync_where_a_team_and_an_invite_fail_reports_them_in_the_jobs_counts_and_its_action_metrics()
    {
        using var admin = stack.Admin();
        var name = "p-" + Guid.NewGuid().ToString("N")[..10];
        var groupId = await admin.CreateGroupAsync(extra: new { name, emailDomain = "partial.example.test" });
        var token = stack.Upstream.AddAccount("alpha", "beta", "gamma");
        await admin.CreateMotherAsync(groupId, token, seatLimit: 3);
        var teams = stack.Upstream.TeamsOf(token);
        teams[0].Members["member@example.test"] = "m-member";
        // beta's member list answers 500: one team of three fails.
        stack.Upstream.Answer("members", teams[1].Id, 500);
        // The second template account's invite answers 500: one invite went through, one failed, and the sync stops
        // inviting there (the third seat stays free).
        var today = stack.Clock.GetUtcNow().ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        stack.Upstream.Answer("invite", $"{name}-{today}-002@partial.example.test", 500);

        (string, string, double)[] actions =
        [
            ("list_teams", "ok", 1), ("rename_team", "ok", 3), ("list_members", "ok", 2), ("list_members", "error", 1),
            ("create_child", "ok", 1), ("invite_template", "ok", 1), ("invite_template", "error", 1),
        ];
        // Counted in-process on both instances (the job runs on either), from now on: exact, with no scrape in between.
        using var counted = new CounterReader(PoolMetrics.MeterName, "pool_sync_actions", stack.A.Services, stack.B.Services);

        using var response = await admin.PostAsJsonAsync($"/api/pool/pool-groups/{groupId}/sync", new { inviteTemplateEmails = true });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.JsonAsync()).GetProperty("jobIds")[0].GetGuid();
        System.Text.Json.JsonElement job = default;
        Assert.True(await Eventually.TrueAsync(async () => (job = await admin.GetJobAsync(id)).GetProperty("status").GetString() is "succeeded" or "failed",
            TimeSpan.FromSeconds(30)), "the sync did not finish");

        // Item-level failures do not fail the job: they are in its counts (three teams plus two invites).
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        Assert.Equal((5, 3, 2), (job.GetProperty("total").GetInt32(), job.GetProperty("succeeded").GetInt32(), job.GetProperty("failed").GetInt32()));
        Assert.True(teams[0].Members.ContainsKey($"{name}-{today}-001@partial.example.test"));
        Assert.Equal(2, teams[0].Members.Count);

        // Each action is counted as it happens, before the job finishes.
        foreach (var (action, result, count) in actions)
        {
            Assert.True(counted.Total(("action", action), ("result", result)) == count,
                $"pool_sync_actions_total{{action=\"{action}\",result=\"{result}\"}} counted {counted.Total(("action", action), ("result", result))}, not {count}");
        }
    }

    [Fact]
    public async Task Inviting_template_accounts_needs_the_email_domain_the_template_uses()
    {
        using var admin = stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        using var response = await admin.PostAsJsonAsync($"/api/pool/pool-groups/{groupId}/sync", new { inviteTemplateEmails = true });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_inviteTemplateEmails", (await response.JsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Pool_group_names_are_unique_and_a_group_with_mothers_cannot_be_deleted()
    {
        using var admin = stack.Admin();
        var name = "g-" + Guid.NewGuid().ToString("N")[..12];
        var groupId = await admin.CreateGroupAsync(name);
        using (var duplicate = await admin.PostAsJsonAsync("/api/pool/pool-groups", new { name }))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
            Assert.Equal("name_taken", await duplicate.ProblemCodeAsync());
        }
        using (var patched = await admin.PatchAsJsonAsync($"/api/pool/pool-groups/{groupId}", new { emailDomain = "seats.example.com", active = false }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            var body = await patched.JsonAsync();
            Assert.Equal("seats.example.com", body.GetProperty("emailDomain").GetString());
            Assert.False(body.GetProperty("active").GetBoolean());
        }
        await admin.CreateMotherAsync(groupId, stack.Upstream.AddAccount("t"));
        using (var inUse = await admin.DeleteAsync($"/api/pool/pool-groups/{groupId}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        }
        var empty = await admin.CreateGroupAsync();
        using (var deleted = await admin.DeleteAsync($"/api/pool/pool-groups/{empty}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var gone = await admin.GetAsync($"/api/pool/pool-groups/{empty}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        Assert.True(await PoolApi.ScalarAsync(stack.Database,
            "SELECT count(*) FROM audit_logs WHERE entity_id = $1 AND action = 'delete_pool_group' AND actor <> 'anonymous'", empty.ToString()) == 1);
    }
}

[Collection(PoolCollection.Name)]
public sealed class SyncTestsWithRedis(PoolPlatform platform) : SyncTests(platform.WithRedis);

[Collection(PoolCollection.Name)]
public sealed class SyncTestsWithoutRedis(PoolPlatform platform) : SyncTests(platform.WithoutRedis);
