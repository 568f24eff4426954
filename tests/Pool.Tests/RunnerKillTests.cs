using System.Diagnostics;
using System.Net;

namespace Pool.Tests;

/// <summary>
/// A runner process killed (SIGKILL) in the middle of a job: after the visibility timeout another instance takes the
/// job over, and what the job does happens once.
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

        var child = ChildPool.Start(settings);
        try
        {
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
        finally
        {
            child.Kill();
        }
    }

    /// <summary>Pool.Api as its own process (built beside this test project), so it can really be killed.</summary>
    private sealed class ChildPool
    {
        private readonly Process _process;

        private ChildPool(Process process, Uri address)
        {
            _process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static ChildPool Start(Dictionary<string, string?> settings)
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "aspire.sln"))) root = Path.GetDirectoryName(root.TrimEnd('/'))!;
            var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var output = Path.Combine(root, "services/pool/Pool.Api/bin", configuration, "net10.0");
            var address = new Uri($"http://127.0.0.1:{PoolPlatform.FreePort()}");
            var start = new ProcessStartInfo("dotnet", [Path.Combine(output, "Pool.Api.dll")])
            {
                WorkingDirectory = output,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (key, value) in settings)
            {
                if (value is not null) start.Environment[key.Replace(":", "__")] = value;
            }
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["ASPNETCORE_URLS"] = address.ToString();
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new ChildPool(process, address);
        }

        public async Task WaitUntilAliveAsync()
        {
            using var http = new HttpClient { BaseAddress = Address };
            Assert.True(await Eventually.TrueAsync(async () =>
            {
                Assert.False(_process.HasExited, "the pool process exited");
                try
                {
                    using var response = await http.GetAsync("/alive");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60)), "the pool process did not come up");
        }

        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
    }
}
