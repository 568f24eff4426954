using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pool.Tests.Mothers;

/// <summary>Mother accounts: the token is checked upstream, write-only, and stored only encrypted.</summary>
[Collection(PoolCollection.Name)]
public sealed class MotherTests(PoolPlatform platform)
{
    private readonly PoolStack _stack = platform.WithRedis;

    [Fact]
    public async Task A_mother_with_an_accepted_token_gets_its_teams_and_seats_and_the_token_is_never_returned_nor_stored_in_clear()
    {
        using var admin = _stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var token = _stack.Upstream.AddAccount("alpha", "beta");
        using var created = await admin.PostAsJsonAsync("/api/pool/mothers", new { name = "m1", email = PoolApi.NewEmail(), groupId, accessToken = token });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var text = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, text);
        var mother = JsonDocument.Parse(text).RootElement;
        Assert.False(mother.TryGetProperty("accessToken", out _));
        var id = mother.GetProperty("id").GetGuid();
        Assert.Equal(7, mother.GetProperty("seatLimit").GetInt32());
        Assert.Equal("active", mother.GetProperty("status").GetString());
        Assert.Equal(["alpha", "beta"], mother.GetProperty("teams").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order());
        Assert.Single(mother.GetProperty("teams").EnumerateArray(), t => t.GetProperty("isDefault").GetBoolean());
        Assert.InRange(mother.GetProperty("tokenExpiresAt").GetDateTimeOffset() - _stack.Clock.GetUtcNow(), TimeSpan.FromDays(39.9), TimeSpan.FromDays(40));

        var listed = await admin.GetFromJsonAsync<JsonElement>($"/api/pool/mothers?groupId={groupId}&status=active");
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(0, item.GetProperty("seatsUsed").GetInt32());
        var seats = await admin.GetFromJsonAsync<JsonElement>($"/api/pool/mothers/{id}/seats");
        Assert.Equal(Enumerable.Range(1, 7), seats.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("slot").GetInt32()));
        Assert.All(seats.GetProperty("items").EnumerateArray(), s => Assert.Equal("free", s.GetProperty("status").GetString()));

        // Nowhere in the database in the clear: not in the mothers row, not in the audit log.
        var stored = await PoolApi.TextAsync(_stack.Database, "SELECT access_token_protected FROM mothers WHERE id = $1", id);
        Assert.NotEqual(token, stored);
        Assert.True(stored.Length > token.Length);
        Assert.Equal(0, await PoolApi.ScalarAsync(_stack.Database,
            "SELECT (SELECT count(*) FROM mothers m WHERE row_to_json(m)::text LIKE '%' || $1 || '%') + (SELECT count(*) FROM audit_logs a WHERE row_to_json(a)::text LIKE '%' || $1 || '%')", token));
        Assert.Equal(1, await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM audit_logs WHERE action = 'create_mother' AND entity_id = $1", id.ToString()));
    }

    [Fact]
    public async Task A_bulk_add_is_one_job_that_adds_each_good_line_and_names_each_bad_line_by_number()
    {
        using var admin = _stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var (first, second, taken) = (PoolApi.NewEmail(), PoolApi.NewEmail(), PoolApi.NewEmail());
        await admin.CreateMotherAsync(groupId, _stack.Upstream.AddAccount("existing"), email: taken);
        var goodToken = _stack.Upstream.AddAccount("bulk-a");
        var text = string.Join("\r\n",
            "name,email,access_token",
            $"first,{first},{goodToken}",
            "",
            "only two,fields",
            $"second,{second},{_stack.Upstream.AddAccount("bulk-b")}",
            $"refused,{PoolApi.NewEmail()},not-a-token-upstream-knows",
            $"again,{taken},{goodToken}");

        using var accepted = await admin.PostAsJsonAsync("/api/pool/mothers/bulk", new { groupId, seatLimit = 2, lines = text });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var answer = await accepted.JsonAsync();
        Assert.Equal(5, answer.GetProperty("lines").GetInt32());
        var jobId = answer.GetProperty("jobId").GetGuid();
        Assert.Equal($"/api/pool/jobs/{jobId}", accepted.Headers.Location?.OriginalString);
        JsonElement job = default;
        Assert.True(await Eventually.TrueAsync(async () => (job = await admin.GetJobAsync(jobId)).GetProperty("status").GetString() is "succeeded" or "failed",
            TimeSpan.FromSeconds(30)), "the bulk add did not finish");
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal((5, 2, 3), (job.GetProperty("total").GetInt32(), job.GetProperty("succeeded").GetInt32(), job.GetProperty("failed").GetInt32()));
        Assert.Equal($"line 4: expected name,email,access token; line 6: the upstream refused the access token; line 7: a mother with email {taken} exists",
            job.GetProperty("lastError").GetString());
        // The queued payload holds the tokens only protected.
        Assert.DoesNotContain(goodToken, job.GetProperty("payload").GetRawText());

        var added = await admin.GetFromJsonAsync<JsonElement>($"/api/pool/mothers?groupId={groupId}&pageSize=50");
        var emails = added.GetProperty("items").EnumerateArray().ToDictionary(m => m.GetProperty("email").GetString()!, m => m.GetProperty("seatLimit").GetInt32());
        Assert.Equal(3, emails.Count);
        Assert.Equal((2, 2), (emails[first], emails[second]));
        Assert.Equal(1, await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM audit_logs WHERE action = 'create_mother' AND after::text LIKE '%' || $1 || '%'", first));

        using var empty = await admin.PostAsJsonAsync("/api/pool/mothers/bulk", new { groupId, lines = "  \n " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        using var noGroup = await admin.PostAsJsonAsync("/api/pool/mothers/bulk", new { groupId = Guid.NewGuid(), lines = $"x,{PoolApi.NewEmail()},{goodToken}" });
        Assert.Equal(HttpStatusCode.BadRequest, noGroup.StatusCode);
    }

    [Fact]
    public async Task A_bulk_add_whose_every_line_fails_is_a_failed_job_naming_each_line()
    {
        using var admin = _stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        using var accepted = await admin.PostAsJsonAsync("/api/pool/mothers/bulk", new { groupId, lines = $"a,not-an-email,{_stack.Upstream.AddAccount("t")}\nb,{PoolApi.NewEmail()},invalid-token" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var jobId = (await accepted.JsonAsync()).GetProperty("jobId").GetGuid();

        JsonElement job = default;
        Assert.True(await Eventually.TrueAsync(async () => (job = await admin.GetJobAsync(jobId)).GetProperty("status").GetString() == "failed",
            TimeSpan.FromSeconds(60)), "the bulk add did not fail");
        Assert.Equal(job.GetProperty("maxAttempts").GetInt32(), job.GetProperty("attempts").GetInt32());
        Assert.Equal("BulkAddFailedException: Every line failed: line 1: not-an-email is not an email address; line 2: the upstream refused the access token",
            job.GetProperty("lastError").GetString());
        Assert.Equal(0, await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM mothers WHERE group_id = $1", groupId));
    }

    [Fact]
    public async Task A_mother_whose_token_the_upstream_refuses_is_not_created()
    {
        using var admin = _stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var email = PoolApi.NewEmail();
        using var refused = await admin.PostAsJsonAsync("/api/pool/mothers", new { name = "m", email, groupId, accessToken = "not-a-token-upstream-knows" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("upstream_rejected", await refused.ProblemCodeAsync());
        Assert.Equal(0, await PoolApi.ScalarAsync(_stack.Database, "SELECT count(*) FROM mothers WHERE email = $1", email));
    }

    [Fact]
    public async Task A_mother_can_be_resized_disabled_given_a_new_token_and_deleted()
    {
        using var admin = _stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var id = (await admin.CreateMotherAsync(groupId, _stack.Upstream.AddAccount("t"))).GetProperty("id").GetGuid();

        using (var resized = await admin.PatchAsJsonAsync($"/api/pool/mothers/{id}", new { seatLimit = 3, status = "disabled" }))
        {
            Assert.Equal(HttpStatusCode.OK, resized.StatusCode);
        }
        var seats = await admin.GetFromJsonAsync<JsonElement>($"/api/pool/mothers/{id}/seats");
        Assert.Equal(3, seats.GetProperty("items").GetArrayLength());
        var disabled = await admin.GetFromJsonAsync<JsonElement>($"/api/pool/mothers?groupId={groupId}&status=disabled");
        Assert.Equal(1, disabled.GetProperty("total").GetInt64());

        using (var badToken = await admin.PatchAsJsonAsync($"/api/pool/mothers/{id}", new { accessToken = "unknown-token" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badToken.StatusCode);
            Assert.Equal("upstream_rejected", await badToken.ProblemCodeAsync());
        }
        using (var newToken = await admin.PatchAsJsonAsync($"/api/pool/mothers/{id}", new { accessToken = _stack.Upstream.AddAccount("second") }))
        {
            Assert.Equal(HttpStatusCode.OK, newToken.StatusCode);
            Assert.Contains((await newToken.JsonAsync()).GetProperty("teams").EnumerateArray(), t => t.GetProperty("name").GetString() == "second");
        }
        using (var deleted = await admin.DeleteAsync($"/api/pool/mothers/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using var gone = await admin.GetAsync($"/api/pool/mothers/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
