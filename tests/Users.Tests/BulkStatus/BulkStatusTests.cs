using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.ServiceDefaults.Jobs;
using Users.Api.BulkStatus;
using Users.Api.Data;

namespace Users.Tests.BulkStatus;

/// <summary>
/// Bulk disable and enable as jobs in <c>user_jobs</c>: each user changed exactly as the single-user endpoint does
/// (status, audit row, one event through the outbox), counts and progress in the job, reruns that change nothing,
/// unknown ids as item failures, validation, the admin policy and <c>X-Domain</c>, and the job admin API. The queue
/// never touches Redis, so these run on one stack.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BulkStatusTests(UsersPlatform platform)
{
    private readonly UsersStack _stack = platform.WithoutRedis;

    [Fact]
    public async Task A_bulk_disable_changes_each_user_once_shows_its_progress_and_a_rerun_changes_nothing_more()
    {
        const int count = 25;
        var marker = Marker();
        var ids = await _stack.CreateUsersAsync(count, marker);
        using var admin = _stack.AdminClient();

        Guid jobId;
        // A row lock held on a user of the second batch (batches of 10) stops the job there, so its progress and a
        // double click can be seen while it is live.
        await using (await RowLock.HoldAsync(_stack.Database, ids[15]))
        {
            using var started = await admin.PostAsJsonAsync("/api/users/bulk/disable", new { userIds = ids });
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var accepted = await started.Content.ReadFromJsonAsync<JsonElement>();
            jobId = accepted.GetProperty("jobId").GetGuid();
            Assert.True(accepted.GetProperty("created").GetBoolean());
            Assert.Equal(count, accepted.GetProperty("users").GetInt32());
            Assert.Equal($"/api/users/jobs/{jobId}", started.Headers.Location?.OriginalString);
            Assert.Equal("users", started.Headers.GetValues("X-Domain-Ack").Single());

            // The double click (the same users, in another order) gets the live job back.
            using var again = await admin.PostAsJsonAsync("/api/users/bulk/disable", new { userIds = Enumerable.Reverse(ids) });
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            var second = await again.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(jobId, second.GetProperty("jobId").GetGuid());
            Assert.False(second.GetProperty("created").GetBoolean());

            JsonElement progress = default;
            Assert.True(await Eventually.TrueAsync(async () =>
            {
                progress = await GetJobAsync(admin, jobId);
                return progress.GetProperty("succeeded").GetInt32() == 10;
            }, TimeSpan.FromSeconds(30)), "the job's first batch never showed in its counts");
            Assert.Equal("running", progress.GetProperty("status").GetString());
            Assert.Equal(count, progress.GetProperty("total").GetInt32());
            Assert.Equal(0, progress.GetProperty("failed").GetInt32());
        }

        var job = await FinishedJobAsync(admin, jobId);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal((count, count, 0), Counts(job));
        Assert.False(job.TryGetProperty("lastError", out _));
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        Assert.Equal(1L, await _stack.ScalarAsync<long>("SELECT count(*) FROM user_jobs WHERE id = $1", jobId));

        var disabled = await admin.GetFromJsonAsync<JsonElement>($"/api/users?q={marker}&status=disabled&pageSize=200");
        Assert.Equal(count, disabled.GetProperty("total").GetInt64());
        await AssertOnceEachAsync(ids, "UserDisabled", "disable_user");
        Assert.True(await Eventually.TrueAsync(() => ids.All(id => _stack.Disabled.Any(d => d.UserId == id)), TimeSpan.FromSeconds(20)),
            "UserDisabled did not reach the consumer for every user");

        // Once finished, the same request is a new job: every user already disabled counts as done, nothing is written.
        var rerunId = await StartAsync(admin, "disable", new { userIds = ids });
        Assert.NotEqual(jobId, rerunId);
        var rerun = await FinishedJobAsync(admin, rerunId);
        Assert.Equal("succeeded", rerun.GetProperty("status").GetString());
        Assert.Equal((count, count, 0), Counts(rerun));
        await AssertOnceEachAsync(ids, "UserDisabled", "disable_user");
        Assert.True(await Eventually.TrueAsync(async () => await _stack.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL AND (payload->>'userId')::uuid = ANY($1)", ids.ToArray()) == 0,
            TimeSpan.FromSeconds(20)), "the outbox never sent every event");
        Assert.All(ids, id => Assert.Single(_stack.Disabled, d => d.UserId == id));
    }

    [Fact]
    public async Task A_bulk_enable_by_filter_enables_exactly_the_users_the_admin_list_shows_for_it()
    {
        var marker = Marker();
        var ids = await _stack.CreateUsersAsync(4, marker);
        using var admin = _stack.AdminClient();
        var disableId = await StartAsync(admin, "disable", new { userIds = ids.Take(3) });
        Assert.Equal((3, 3, 0), Counts(await FinishedJobAsync(admin, disableId)));

        var enableId = await StartAsync(admin, "enable", new { filter = new { status = "disabled", q = marker } });
        var job = await FinishedJobAsync(admin, enableId);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal((3, 3, 0), Counts(job));
        Assert.Equal(ids.Take(3).Order(), job.GetProperty("payload").GetProperty("userIds").EnumerateArray().Select(e => e.GetGuid()).Order());

        var active = await admin.GetFromJsonAsync<JsonElement>($"/api/users?q={marker}&status=active");
        Assert.Equal(4, active.GetProperty("total").GetInt64());
        await AssertOnceEachAsync(ids.Take(3).ToList(), "UserEnabled", "enable_user");
        // The fourth user was active all along: no event, no audit row.
        Assert.Equal(0L, await _stack.ScalarAsync<long>("SELECT count(*) FROM audit_logs WHERE entity_id = $1", ids[3].ToString()));
        Assert.True(await Eventually.TrueAsync(() => ids.Take(3).All(id => _stack.Enabled.Any(e => e.UserId == id)), TimeSpan.FromSeconds(20)),
            "UserEnabled did not reach the consumer for every user");
        Assert.DoesNotContain(_stack.Enabled, e => e.UserId == ids[3]);
    }

    [Fact]
    public async Task An_unknown_id_is_an_item_failure_counted_and_named_in_the_job_while_the_others_are_disabled()
    {
        var ids = await _stack.CreateUsersAsync(3, Marker());
        var unknown = Guid.NewGuid();
        using var admin = _stack.AdminClient();

        var jobId = await StartAsync(admin, "disable", new { userIds = ids.Append(unknown) });
        var job = await FinishedJobAsync(admin, jobId);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal((4, 3, 1), Counts(job));
        var lastError = job.GetProperty("lastError").GetString();
        Assert.Contains(unknown.ToString(), lastError);
        Assert.Contains("do not exist", lastError);
        Assert.All(ids, id => Assert.DoesNotContain(id.ToString(), lastError));
        await AssertOnceEachAsync(ids, "UserDisabled", "disable_user");
    }

    [Theory]
    [InlineData("{}", "invalid_request")]
    [InlineData("""{"userIds": [], "filter": {"status": "active"}}""", "invalid_request")]
    [InlineData("""{"userIds": []}""", "invalid_user_ids")]
    [InlineData("""{"filter": {"status": "banned"}}""", "invalid_status")]
    [InlineData("""{"filter": {"q": " "}}""", "invalid_filter")]
    [InlineData("""{"filter": {"q": "no-such-user-anywhere-8c1e"}}""", "no_users_match")]
    [InlineData("""{"userIds": ["not-a-guid"]}""", "bad_request")]
    public async Task Bad_bulk_requests_are_400_naming_the_problem(string body, string code)
    {
        using var admin = _stack.AdminClient();
        using var response = await admin.PostAsync("/api/users/bulk/disable", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task More_than_ten_thousand_ids_are_400_and_start_nothing()
    {
        using var admin = _stack.AdminClient();
        var before = await _stack.ScalarAsync<long>("SELECT count(*) FROM user_jobs");
        using var response = await admin.PostAsJsonAsync("/api/users/bulk/enable", new { userIds = Enumerable.Range(0, 10_001).Select(_ => Guid.NewGuid()) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_user_ids", problem.GetProperty("code").GetString());
        Assert.Contains("10000", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await _stack.ScalarAsync<long>("SELECT count(*) FROM user_jobs"));
    }

    [Fact]
    public async Task Bulk_operations_and_the_job_api_need_an_admin_and_writes_the_users_domain()
    {
        var ids = await _stack.CreateUsersAsync(1, Marker());
        var body = new { userIds = ids };

        using var user = _stack.ClientFor(Guid.NewGuid(), "someone@example.test");
        user.DefaultRequestHeaders.Add("X-Domain", "users");
        using (var forbidden = await user.PostAsJsonAsync("/api/users/bulk/disable", body)) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using (var forbidden = await user.GetAsync("/api/users/jobs")) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using (var forbidden = await user.GetAsync($"/api/users/jobs/{Guid.NewGuid()}")) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var noDomain = _stack.AdminClient(withDomain: false);
        foreach (var path in new[] { "/api/users/bulk/disable", "/api/users/bulk/enable", $"/api/users/jobs/{Guid.NewGuid()}/retry" })
        {
            using var refused = await noDomain.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("domain_mismatch", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        using var poolDomain = _stack.AdminClient(withDomain: false);
        poolDomain.DefaultRequestHeaders.Add("X-Domain", "pool");
        using (var wrong = await poolDomain.PostAsJsonAsync("/api/users/bulk/disable", body)) Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);

        Assert.Equal(0L, await _stack.ScalarAsync<long>("SELECT count(*) FROM user_jobs WHERE payload->'userIds' ? $1", ids[0].ToString()));
        using var admin = _stack.AdminClient();
        Assert.Equal("active", (await admin.GetFromJsonAsync<JsonElement>($"/api/users/{ids[0]}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Jobs_are_listed_and_read_by_admins_and_only_a_failed_job_can_be_retried()
    {
        var ids = await _stack.CreateUsersAsync(2, Marker());
        using var admin = _stack.AdminClient();
        var doneId = await StartAsync(admin, "disable", new { userIds = ids });
        await FinishedJobAsync(admin, doneId);

        var listed = await admin.GetFromJsonAsync<JsonElement>($"/api/users/jobs?type={BulkStatusHandler.DisableType}&status=succeeded&pageSize=200");
        var item = listed.GetProperty("items").EnumerateArray().Single(j => j.GetProperty("id").GetGuid() == doneId);
        Assert.Equal(BulkStatusHandler.DisableType, item.GetProperty("type").GetString());
        Assert.False(item.TryGetProperty("payload", out _), "the list carries payloads");
        Assert.Equal(2, (await GetJobAsync(admin, doneId)).GetProperty("payload").GetProperty("userIds").GetArrayLength());
        using (var badStatus = await admin.GetAsync("/api/users/jobs?status=done")) Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        using (var missing = await admin.GetAsync($"/api/users/jobs/{Guid.NewGuid()}")) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using (var notFailed = await admin.PostAsync($"/api/users/jobs/{doneId}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, notFailed.StatusCode);
            Assert.Equal("job_not_failed", (await notFailed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        // A job whose payload names no users fails every attempt, then stays failed.
        Guid failedId;
        await using (var scope = _stack.Services.CreateAsyncScope())
        {
            var queue = scope.ServiceProvider.GetRequiredService<JobQueue<UsersDbContext>>();
            failedId = (await queue.EnqueueAsync(new JobRequest(BulkStatusHandler.EnableType, new { actor = "test" }))).Job.Id;
        }
        var failed = await FinishedJobAsync(admin, failedId);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(3, failed.GetProperty("attempts").GetInt32());
        Assert.Contains("userIds", failed.GetProperty("lastError").GetString());

        // Once its payload is put right, an admin's retry runs it again from attempt one.
        await _stack.ScalarAsync<int>("UPDATE user_jobs SET payload = $2::jsonb WHERE id = $1 RETURNING 1", failedId,
            JsonSerializer.Serialize(new { userIds = ids, actor = "test" }));
        using (var retried = await admin.PostAsync($"/api/users/jobs/{failedId}/retry", null))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            var body = await retried.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("pending", body.GetProperty("status").GetString());
            Assert.Equal(0, body.GetProperty("attempts").GetInt32());
        }
        var succeeded = await FinishedJobAsync(admin, failedId);
        Assert.Equal("succeeded", succeeded.GetProperty("status").GetString());
        Assert.Equal((2, 2, 0), Counts(succeeded));
        Assert.Equal(1L, await _stack.ScalarAsync<long>("SELECT count(*) FROM audit_logs WHERE action = 'retry_job' AND entity_id = $1", failedId.ToString()));
        // The job acts for whoever its payload names: here the test that wrote it.
        await AssertOnceEachAsync(ids, "UserEnabled", "enable_user", actorLike: "test", actorIp: null);
    }

    /// <summary>
    /// Exactly one outbox event of <paramref name="eventName"/> and one audit row of <paramref name="action"/> per user,
    /// naming who asked and from where (by default the admin client: <c>admin@example.test</c> on 127.0.0.1).
    /// </summary>
    private async Task AssertOnceEachAsync(List<Guid> ids, string eventName, string action, string actorLike = "% a***n@example.test", string? actorIp = "127.0.0.1")
    {
        var array = ids.ToArray();
        Assert.Equal((long)ids.Count, await _stack.ScalarAsync<long>(
            "SELECT count(DISTINCT payload->>'userId') FROM outbox_messages WHERE message_type LIKE $2 AND (payload->>'userId')::uuid = ANY($1)",
            array, $"Platform.Contracts.Users.{eventName},%"));
        Assert.Equal((long)ids.Count, await _stack.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE $2 AND (payload->>'userId')::uuid = ANY($1)",
            array, $"Platform.Contracts.Users.{eventName},%"));
        Assert.Equal((long)ids.Count, await _stack.ScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE action = $2 AND entity_id = ANY($1) AND actor LIKE $3 AND actor_ip IS NOT DISTINCT FROM $4",
            (object)ids.Select(id => id.ToString()).ToArray(), action, actorLike, (object?)actorIp ?? DBNull.Value));
    }

    private static string Marker() => "bulk" + Guid.NewGuid().ToString("N")[..10];

    private static (int Total, int Succeeded, int Failed) Counts(JsonElement job) =>
        (job.GetProperty("total").GetInt32(), job.GetProperty("succeeded").GetInt32(), job.GetProperty("failed").GetInt32());

    private static async Task<Guid> StartAsync(HttpClient admin, string action, object body)
    {
        using var response = await admin.PostAsJsonAsync($"/api/users/bulk/{action}", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(accepted.GetProperty("created").GetBoolean());
        return accepted.GetProperty("jobId").GetGuid();
    }

    internal static Task<JsonElement> GetJobAsync(HttpClient admin, Guid id) => admin.GetFromJsonAsync<JsonElement>($"/api/users/jobs/{id}");

    /// <summary>The job once it is succeeded or failed.</summary>
    internal static async Task<JsonElement> FinishedJobAsync(HttpClient admin, Guid id)
    {
        JsonElement job = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            job = await GetJobAsync(admin, id);
            return job.GetProperty("status").GetString() is "succeeded" or "failed";
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100)), $"job {id} did not finish");
        return job;
    }
}

/// <summary>A transaction holding <c>FOR UPDATE</c> on one profile: whatever wants that row waits until it is disposed.</summary>
internal sealed class RowLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private RowLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<RowLock> HoldAsync(string database, Guid userId)
    {
        var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM user_profiles WHERE id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        Assert.Equal(userId, await command.ExecuteScalarAsync());
        return new RowLock(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
