using System.Net;
using System.Text.Json;

namespace Pool.Tests;

/// <summary>Redis dies under pool (which takes its sync locks there): syncs go on, on PostgreSQL's locks.</summary>
[Collection(PoolCollection.Name)]
public sealed class RedisOutageTests(PoolPlatform platform)
{
    private PoolStack Stack => platform.WithRedis;

    [Fact]
    public async Task Syncs_asked_while_redis_is_down_are_enqueued_once_per_mother_and_run()
    {
        using var admin = Stack.Admin();
        using var adminB = Stack.Admin(b: true);
        var groupId = await admin.CreateGroupAsync();
        var token = Stack.Upstream.AddAccount("team");
        await admin.CreateMotherAsync(groupId, token);
        // The job waits at its first upstream call, so it stays live through the whole burst.
        var gate = Stack.Upstream.Hold("teams", token);

        List<JsonElement> answers;
        await platform.Servers.Redis.KillAsync();
        try
        {
            answers = [.. await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            {
                using var response = await (i % 2 == 0 ? admin : adminB).PostAsync($"/api/pool/pool-groups/{groupId}/sync", null);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {body}");
                return JsonDocument.Parse(body).RootElement.Clone();
            }))];
        }
        finally
        {
            await platform.Servers.Redis.StartAsync();
        }

        Assert.Equal(1, answers.Sum(a => a.GetProperty("enqueued").GetInt32()));
        var jobIds = answers.Select(a => a.GetProperty("jobIds")[0].GetGuid()).Distinct().ToList();
        var job = Assert.Single(jobIds);
        gate.Release();
        Assert.True(await Eventually.TrueAsync(async () => (await admin.GetJobAsync(job)).GetProperty("status").GetString() == "succeeded",
            TimeSpan.FromSeconds(30)), "the sync did not run");
    }
}
