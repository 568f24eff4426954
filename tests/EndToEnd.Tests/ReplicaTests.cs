using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace EndToEnd.Tests;

/// <summary><c>./run.sh --replicas 2</c>: two instances of every service behind one gateway, which outlives one of them.</summary>
public sealed class ReplicaTests
{
    private static readonly string[] Executables = ["Identity.Api", "Users.Api", "Pool.Api", "Promo.Api"];

    [Fact]
    public async Task With_two_instances_of_each_service_the_gateway_uses_both_and_keeps_serving_when_one_is_killed()
    {
        // The gateway's rate limits would answer most of these requests itself; they have their own tests.
        var unlimited = new Dictionary<string, string>
        {
            ["RateLimits__PerIpPerSecond"] = "10000",
            ["RateLimits__PerIpBurst"] = "10000",
            ["RateLimits__PerCredentialPerSecond"] = "10000",
            ["RateLimits__PerCredentialBurst"] = "10000",
        };
        await using var appHost = AppHostProcess.Start(unlimited, "--replicas", "2");
        await appHost.WaitUntilHealthyAsync(TimeSpan.FromSeconds(240));

        var processes = MarkedProcesses.Find(appHost.Marker);
        foreach (var executable in Executables)
        {
            Assert.Equal(2, processes.Count(p => p.CommandLine.EndsWith("/" + executable, StringComparison.Ordinal)));
        }
        await AssertInstancesAsync(appHost.Gateway, working: 2);

        var token = await PlatformFixture.SignInAsync(appHost.Gateway, "admin@example.test");
        using var admin = new HttpClient { BaseAddress = appHost.Gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(20, await SucceededAsync(admin, 20));

        // SIGKILL one instance of each service: the gateway's probes take it out and the other serves everything.
        foreach (var executable in Executables)
        {
            var victim = processes.First(p => p.CommandLine.EndsWith("/" + executable, StringComparison.Ordinal));
            System.Diagnostics.Process.GetProcessById(victim.Pid).Kill();
        }
        var recovered = await Eventually.TrueAsync(async () => await SucceededAsync(admin, 20) == 20, TimeSpan.FromSeconds(30));
        Assert.True(recovered, "requests kept failing after one instance of each service was killed");
        Assert.Equal(100, await SucceededAsync(admin, 100));
        await AssertInstancesAsync(appHost.Gateway, working: 1);
    }

    /// <summary>Requests that reach each service (identity's /me, and a read of users, pool and promo); how many got 200.</summary>
    private static async Task<int> SucceededAsync(HttpClient admin, int count)
    {
        string[] paths = ["/api/identity/me", "/api/users?pageSize=1", "/api/pool/pool-groups", "/api/promo/products"];
        var succeeded = 0;
        for (var i = 0; i < count; i++)
        {
            var path = paths[i % paths.Length];
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Domain", path.Split('/')[2]);
            using var response = await admin.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK) succeeded++;
        }
        return succeeded;
    }

    private static async Task AssertInstancesAsync(HttpClient gateway, int working)
    {
        var seen = await Eventually.TrueAsync(async () =>
        {
            using var response = await gateway.GetAsync("/health");
            using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return Executables.Select(e => e.Split('.')[0].ToLowerInvariant()).All(service =>
                health.RootElement.GetProperty("checks").GetProperty(service).GetProperty("data") is var data
                && data.GetProperty("instances").GetInt32() == 2
                && data.GetProperty("healthy").GetInt32() == working);
        }, TimeSpan.FromSeconds(30));
        Assert.True(seen, $"the gateway's health did not show {working} of 2 instances working for every service");
    }
}
