using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pool.Api.Data;

namespace Pool.Tests;

/// <summary>Sync answers account for every job, also when the database is slow to answer.</summary>
[Collection(PoolCollection.Name)]
public sealed class SlowDatabaseTests(PoolPlatform platform)
{
    private PoolStack Stack => platform.WithoutRedis;

    [Fact]
    public async Task When_an_insert_commits_but_its_answer_is_lost_the_request_that_made_the_job_still_reports_it_enqueued()
    {
        var lost = new LostAnswers();
        await using var slow = await Stack.StartInstanceAsync([], services => services.ConfigureDbContext<PoolDbContext>(o => o.AddInterceptors(lost)));
        using var admin = Stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var token = Stack.Upstream.AddAccount("team");
        var mother = (await admin.CreateMotherAsync(groupId, token)).GetProperty("id").GetGuid();
        // The job waits at its first upstream call, so it stays live through the whole burst.
        var gate = Stack.Upstream.Hold("teams", token);

        using var client = slow.Client(platform.SigningKey, TimeProvider.System);
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await client.PostAsync($"/api/pool/pool-groups/{groupId}/sync", null);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }));

        Assert.True(lost.Count >= 1, "no insert's answer was lost: the interceptor did not apply");
        var jobIds = answers.Select(a => a.GetProperty("jobIds")[0].GetGuid()).Distinct().ToList();
        Assert.Single(jobIds);
        Assert.Equal(1, answers.Sum(a => a.GetProperty("enqueued").GetInt32()));
        Assert.Equal(19, answers.Sum(a => a.GetProperty("reused").GetInt32()));
        Assert.Equal(1, await PoolApi.ScalarAsync(Stack.Database,
            "SELECT count(*) FROM pool_jobs WHERE type = 'pool_sync_mother' AND payload->>'motherId' = $1", mother.ToString()));
        gate.Release();
        Assert.True(await Eventually.TrueAsync(async () => (await admin.GetJobAsync(jobIds[0])).GetProperty("status").GetString() == "succeeded",
            TimeSpan.FromSeconds(30)), "the sync did not run");
    }

    /// <summary>
    /// A slow database as the client sees it: the insert into <c>pool_jobs</c> really runs and commits, then its answer
    /// is reported lost (the transient failure a timed-out read gives), once per job, so EF's execution strategy sends
    /// the same insert again, exactly as it does when a loaded server answers after the client gave up.
    /// </summary>
    private sealed class LostAnswers : DbCommandInterceptor
    {
        private readonly ConcurrentDictionary<Guid, bool> _lost = new();

        public int Count => _lost.Count;

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
            CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("INSERT INTO pool_jobs", StringComparison.Ordinal) && command.Parameters[0].Value is Guid id && _lost.TryAdd(id, true))
            {
                // Read to the end first: the statement has run and committed when its answer goes missing.
                await result.DisposeAsync();
                throw new NpgsqlException("The answer to the insert did not arrive.", new TimeoutException());
            }
            return result;
        }
    }
}
