using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Users.Tests.BulkStatus;

/// <summary>
/// A bulk job survives its service being killed half-way: the lease runs out, another instance takes the job over,
/// and each user is still changed, audited and announced exactly once.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BulkStatusRestartTests(UsersPlatform platform)
{
    [Fact]
    public async Task A_bulk_job_whose_service_is_killed_mid_way_is_taken_over_after_its_lease_and_changes_each_user_once()
    {
        var database = await platform.Servers.CreateDatabaseAsync("users_kill");
        var tokens = new InternalTokens();
        var settings = new Dictionary<string, string?>
        {
            ["Service:Name"] = "users",
            ["ConnectionStrings:usersdb"] = database,
            ["Cache:Provider"] = "memory",
            ["InternalAuth:PublicKey"] = tokens.PublicKey,
            ["Jobs:VisibilityTimeoutSeconds"] = "2",
            ["Jobs:PollIntervalMilliseconds"] = "100",
            ["BulkStatus:BatchSize"] = "2",
        };
        HttpClient Admin(HttpClient client)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", tokens.For("users", Guid.NewGuid(), "admin@example.test", null, "user", "admin"));
            client.DefaultRequestHeaders.Add("X-Domain", "users");
            return client;
        }

        using var child = ChildService.Start("services/users/Users.Api", settings);
        await child.WaitUntilAliveAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            using var user = new HttpClient { BaseAddress = child.Address };
            var id = Guid.NewGuid();
            user.DefaultRequestHeaders.Authorization = new("Bearer", tokens.For("users", id, $"{id:N}@example.test"));
            (await user.GetAsync("/api/users/me")).EnsureSuccessStatusCode();
            ids.Add(id);
        }

        // The job disables the first batch of two, then waits on the third user's row: that is where its service dies.
        await using var held = await RowLock.HoldAsync(database, ids[2]);
        using var admin = Admin(new HttpClient { BaseAddress = child.Address });
        using var started = await admin.PostAsJsonAsync("/api/users/bulk/disable", new { userIds = ids });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        Assert.True(await Eventually.TrueAsync(async () =>
            (await BulkStatusTests.GetJobAsync(admin, jobId)).GetProperty("succeeded").GetInt32() == 2,
            TimeSpan.FromSeconds(30)), "the first batch never showed in the job's counts");

        child.Kill();
        Assert.Equal("running", await UsersStack.ScalarAsync<string>(database, "SELECT status FROM user_jobs WHERE id = $1", jobId));

        await using var survivor = new ServiceApp<Program>(settings, TimeProvider.System, new CapturedLogs());
        using var survivorAdmin = Admin(survivor.CreateClient());
        Assert.True(await Eventually.TrueAsync(async () =>
            await UsersStack.ScalarAsync<int>(database, "SELECT attempts FROM user_jobs WHERE id = $1", jobId) == 2,
            TimeSpan.FromSeconds(30)), "the survivor did not take the job over once its lease ran out");
        await held.DisposeAsync();

        var job = await BulkStatusTests.FinishedJobAsync(survivorAdmin, jobId);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
        Assert.Equal((6, 6, 0), (job.GetProperty("total").GetInt32(), job.GetProperty("succeeded").GetInt32(), job.GetProperty("failed").GetInt32()));

        var array = ids.ToArray();
        Assert.Equal(6L, await UsersStack.ScalarAsync<long>(database, "SELECT count(*) FROM user_profiles WHERE status = 'disabled' AND id = ANY($1)", array));
        Assert.Equal(6L, await UsersStack.ScalarAsync<long>(database,
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Users.UserDisabled,%' AND (payload->>'userId')::uuid = ANY($1)", array));
        Assert.Equal(6L, await UsersStack.ScalarAsync<long>(database,
            "SELECT count(DISTINCT entity_id) FROM audit_logs WHERE action = 'disable_user' AND entity_id = ANY($1)", (object)ids.Select(i => i.ToString()).ToArray()));
        Assert.Equal(6L, await UsersStack.ScalarAsync<long>(database,
            "SELECT count(*) FROM audit_logs WHERE action = 'disable_user' AND entity_id = ANY($1)", (object)ids.Select(i => i.ToString()).ToArray()));
    }
}
