using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Jobs;
using Pool.Api;
using Pool.Api.Data;

namespace Pool.Tests;

/// <summary>The durable job queue through the pool service: leases, concurrency, backoff, failure and admin retry.</summary>
public abstract class JobTests(PoolStack stack)
{
    [Fact]
    public async Task Two_runner_instances_never_run_one_job_at_once_and_a_job_longer_than_its_lease_runs_once()
    {
        var ids = new List<Guid>();
        await using (var scope = stack.A.Services.CreateAsyncScope())
        {
            var queue = scope.ServiceProvider.GetRequiredService<JobQueue<PoolDbContext>>();
            for (var i = 0; i < 40; i++)
            {
                ids.Add((await queue.EnqueueAsync(new JobRequest(JobProbe.Type, new { delayMs = 30 }))).Job.Id);
            }
            // Lease 3 s: this one lives on extensions alone, so only a working extension keeps it from running twice.
            ids.Add((await queue.EnqueueAsync(new JobRequest(JobProbe.Type, new { delayMs = 4500 }))).Job.Id);
        }

        using var admin = stack.Admin();
        Assert.True(await Eventually.TrueAsync(async () =>
            await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM pool_jobs WHERE id = ANY($1) AND status = 'succeeded'", ids.ToArray()) == ids.Count,
            TimeSpan.FromSeconds(30)), "not every probe job succeeded");

        var runs = stack.Probe.Runs.Where(r => ids.Contains(r.JobId)).ToList();
        Assert.Equal(0, stack.Probe.Overlaps);
        Assert.Equal(ids.Count, runs.Count);
        Assert.Equal(ids.Count, runs.Select(r => r.JobId).Distinct().Count());
        Assert.Equal(["a", "b"], runs.Select(r => r.Instance).Distinct().Order());
        Assert.Equal(1, (await admin.GetJobAsync(ids[^1])).GetProperty("attempts").GetInt32());

        // The exporter may answer from its short scrape cache, made before these jobs ran: poll until they show.
        var metrics = "";
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            metrics = await MetricsScrape.TextAsync(stack.A);
            return metrics.Contains("jobs_processed_total{", StringComparison.Ordinal) && metrics.Contains("queue=\"pool\"", StringComparison.Ordinal)
                && metrics.Contains("job_processing_ms_bucket{", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10)), "the job metrics are not exported");
    }

    [Fact]
    public async Task Failed_attempts_back_off_end_failed_after_max_attempts_and_only_failed_jobs_can_be_retried()
    {
        using var admin = stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var token = stack.Upstream.AddAccount("team");
        await admin.CreateMotherAsync(groupId, token);
        stack.Upstream.SetFailing(token, true);
        (string Name, string Value)[] syncJobs = [("queue", "pool"), ("type", "pool_sync_mother")];
        // Counted in-process on both instances (a job runs on either), from now on: exact, with no scrape in between.
        using var failures = new CounterReader(JobMetrics.MeterName, "job_failures", stack.A.Services, stack.B.Services);
        using var processed = new CounterReader(JobMetrics.MeterName, "jobs_processed", stack.A.Services, stack.B.Services);
        using var actions = new CounterReader(PoolMetrics.MeterName, "pool_sync_actions", stack.A.Services, stack.B.Services);

        using var sync = await admin.PostAsync($"/api/pool/pool-groups/{groupId}/sync", null);
        var id = (await sync.JsonAsync()).GetProperty("jobIds")[0].GetGuid();

        // started_at is written at each claim: it shows when each attempt began.
        var starts = new Dictionary<int, DateTimeOffset>();
        JsonElement job = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            job = await admin.GetJobAsync(id);
            if (job.TryGetProperty("startedAt", out var started))
            {
                starts.TryAdd(job.GetProperty("attempts").GetInt32(), started.GetDateTimeOffset());
            }
            return job.GetProperty("status").GetString() == "failed";
        }, TimeSpan.FromSeconds(40), TimeSpan.FromMilliseconds(20)), "the job never failed for good");

        Assert.Equal(3, job.GetProperty("attempts").GetInt32());
        Assert.Equal(3, job.GetProperty("maxAttempts").GetInt32());
        Assert.Contains("500", job.GetProperty("lastError").GetString());
        // Backoff 1 s after the first failure, then 2 s.
        Assert.Equal([1, 2, 3], starts.Keys.Order());
        Assert.True(starts[2] - starts[1] >= TimeSpan.FromSeconds(0.95), $"second attempt after {starts[2] - starts[1]}");
        Assert.True(starts[3] - starts[2] >= TimeSpan.FromSeconds(1.95), $"third attempt after {starts[3] - starts[2]}");

        // Every failed attempt is a job failure; the last one also ends the job failed. Each attempt's team listing
        // was an upstream error. The job's status is written before its metrics: wait for the last to be counted.
        Assert.True(await Eventually.TrueAsync(() => processed.Total([.. syncJobs, ("status", "failed")]) == 1 && failures.Total(syncJobs) == 3,
            TimeSpan.FromSeconds(10)), $"counted {processed.Total([.. syncJobs, ("status", "failed")])} failed jobs and {failures.Total(syncJobs)} failures, not 1 and 3");
        Assert.Equal(3, actions.Total(("action", "list_teams"), ("result", "error")));

        stack.Upstream.SetFailing(token, false);
        using (var retried = await admin.PostAsync($"/api/pool/jobs/{id}/retry", null))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            var body = await retried.JsonAsync();
            Assert.Equal("pending", body.GetProperty("status").GetString());
            Assert.Equal(0, body.GetProperty("attempts").GetInt32());
        }
        Assert.True(await Eventually.TrueAsync(async () => (await admin.GetJobAsync(id)).GetProperty("status").GetString() == "succeeded", TimeSpan.FromSeconds(20)));
        using (var again = await admin.PostAsync($"/api/pool/jobs/{id}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("job_not_failed", await again.ProblemCodeAsync());
        }
        using (var missing = await admin.PostAsync($"/api/pool/jobs/{Guid.NewGuid()}/retry", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        Assert.Equal(1, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM audit_logs WHERE action = 'retry_job' AND entity_id = $1", id.ToString()));
    }

    [Fact]
    public async Task Retrying_a_live_job_is_refused_naming_it()
    {
        using var admin = stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var token = stack.Upstream.AddAccount("team");
        await admin.CreateMotherAsync(groupId, token);
        var gate = stack.Upstream.Hold("teams", token);
        using var sync = await admin.PostAsync($"/api/pool/pool-groups/{groupId}/sync", null);
        var id = (await sync.JsonAsync()).GetProperty("jobIds")[0].GetGuid();
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(20));

        using (var refused = await admin.PostAsync($"/api/pool/jobs/{id}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var problem = await refused.JsonAsync();
            Assert.Equal("job_not_failed", problem.GetProperty("code").GetString());
            Assert.Equal(id, problem.GetProperty("jobId").GetGuid());
            Assert.Equal("running", problem.GetProperty("jobStatus").GetString());
        }
        gate.Release();

        using var listed = await admin.GetAsync($"/api/pool/jobs?type=pool_sync_mother&pageSize=200");
        var page = await listed.JsonAsync();
        Assert.Contains(page.GetProperty("items").EnumerateArray(), j => j.GetProperty("id").GetGuid() == id);
        Assert.True(page.GetProperty("total").GetInt64() >= 1);
        Assert.Equal(200, page.GetProperty("pageSize").GetInt32());
    }
}

[Collection(PoolCollection.Name)]
public sealed class JobTestsWithRedis(PoolPlatform platform) : JobTests(platform.WithRedis);

[Collection(PoolCollection.Name)]
public sealed class JobTestsWithoutRedis(PoolPlatform platform) : JobTests(platform.WithoutRedis);
