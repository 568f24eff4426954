using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Jobs;
using Pool.Api.Data;

namespace Pool.Tests;

/// <summary>
/// A runner that stops in the middle of a job. Killed (SIGKILL): after the visibility timeout another instance takes
/// the job over, and what the job does happens once. Stopped gracefully: it hands the job back at once.
/// </summary>
[Collection(PoolCollection.Name)]
public sealed class RunnerKillTests(PoolPlatform platform)
{
    [Fact]
    public async Task A_runner_killed_mid_job_is_replaced_after_the_visibility_timeout_and_the_effect_happens_once()
    {
        var database = await platform.Servers.CreateDatabaseAsync("pool_kill");
        var settings = platform.BaseSettings(database, vhost: null, redis: false);
        settings["Jobs:VisibilityTimeoutSeconds"] = "2";

        using var child = ChildService.Start("services/pool/Pool.Api", settings);
        await child.WaitUntilAliveAsync();
        using var admin = PoolClient.Create(child.Address, platform.SigningKey, TimeProvider.System, "admin", "pool");
        var groupId = await admin.CreateGroupAsync();
        var token = platform.Upstream.AddAccount("unnamed");
        var team = platform.Upstream.TeamsOf(token)[0];
        team.Members["member@example.test"] = "m-1";
        await admin.CreateMotherAsync(groupId, token);
        // The job renames the team, then hangs listing its members: that is where its runner dies.
        var gate = platform.Upstream.Hold("members", team.Id);
        using var sync = await admin.PostAsync($"/api/pool/pool-groups/{groupId}/sync", null);
        Assert.Equal(HttpStatusCode.Accepted, sync.StatusCode);
        var jobId = (await sync.JsonAsync()).GetProperty("jobIds")[0].GetGuid();
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, team.Renames);

        child.Kill();
        gate.Release();
        Assert.Equal("running", await PoolApi.TextAsync(database, "SELECT status FROM pool_jobs WHERE id = $1", jobId));

        await using var survivor = new PoolApp(settings, TimeProvider.System);
        await survivor.WaitUntilAliveAsync();
        Assert.True(await Eventually.TrueAsync(async () =>
            await PoolApi.TextAsync(database, "SELECT status FROM pool_jobs WHERE id = $1", jobId) == "succeeded",
            TimeSpan.FromSeconds(30)), "the job was not taken over");

        Assert.Equal(2, await PoolApi.ScalarAsync(database, "SELECT attempts FROM pool_jobs WHERE id = $1", jobId));
        Assert.Equal(1, team.Renames);
        Assert.Equal(1, await PoolApi.ScalarAsync(database, "SELECT count(*) FROM child_accounts WHERE email = 'member@example.test'"));
    }

    [Fact]
    public async Task A_runner_stopped_gracefully_mid_job_hands_it_back_at_once_with_its_attempt_refunded()
    {
        var database = await platform.Servers.CreateDatabaseAsync("pool_stop");
        var settings = platform.BaseSettings(database, vhost: null, redis: false);
        // A lease far longer than the test may wait: only the hand-back can return the job in time.
        settings["Jobs:VisibilityTimeoutSeconds"] = "600";
        var probe = new JobProbe();
        PoolApp Start(string name) => new(settings, TimeProvider.System, services => services.AddSingleton(probe)
            .AddJobHandler<JobProbe.Handler>(JobProbe.Type).AddSingleton(new JobProbe.Instance(name)));

        Guid jobId;
        await using (var first = Start("first"))
        {
            await first.WaitUntilAliveAsync();
            await using (var scope = first.Services.CreateAsyncScope())
            {
                var queue = scope.ServiceProvider.GetRequiredService<JobQueue<PoolDbContext>>();
                jobId = (await queue.EnqueueAsync(new JobRequest(JobProbe.Type, new { delayMs = 600_000 }))).Job.Id;
            }
            Assert.True(await Eventually.TrueAsync(() => Task.FromResult(probe.Runs.Any(r => r.JobId == jobId)), TimeSpan.FromSeconds(20)),
                "the job never started");
        }

        // Stopped: the job is pending and due now, its attempt refunded and its lease token gone.
        Assert.Equal("pending", await PoolApi.TextAsync(database, "SELECT status FROM pool_jobs WHERE id = $1", jobId));
        Assert.Equal(0, await PoolApi.ScalarAsync(database, "SELECT attempts FROM pool_jobs WHERE id = $1", jobId));
        Assert.Equal(1, await PoolApi.ScalarAsync(database,
            "SELECT count(*) FROM pool_jobs WHERE id = $1 AND lease_token IS NULL AND visible_until <= now()", jobId));

        await PoolApi.ScalarAsync(database, "UPDATE pool_jobs SET payload = '{\"delayMs\": 10}' WHERE id = $1 RETURNING 1", jobId);
        await using var second = Start("second");
        Assert.True(await Eventually.TrueAsync(async () =>
            await PoolApi.TextAsync(database, "SELECT status FROM pool_jobs WHERE id = $1", jobId) == "succeeded",
            TimeSpan.FromSeconds(30)), "the handed-back job was not run by the next runner");
        Assert.Equal(1, await PoolApi.ScalarAsync(database, "SELECT attempts FROM pool_jobs WHERE id = $1", jobId));
        Assert.Equal(["first", "second"], probe.Runs.Where(r => r.JobId == jobId).Select(r => r.Instance));
    }
}
