using System.Text.Json;

namespace EndToEnd.Tests;

/// <summary><c>./run.sh --no-redis</c>, then SIGTERM: healthy on the in-memory cache, and nothing left behind.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Without_redis_the_platform_is_healthy_on_memory_and_sigterm_leaves_no_process_behind()
    {
        Descendants.AdoptOrphans();
        var before = Descendants.Alive().ToHashSet();
        await using var appHost = AppHostProcess.Start("--no-redis");
        await appHost.WaitUntilHealthyAsync(TimeSpan.FromSeconds(180));

        using (var health = JsonDocument.Parse(await appHost.Gateway.GetStringAsync("/health")))
        {
            foreach (var service in AppHostProcess.Services)
            {
                var check = health.RootElement.GetProperty("checks").GetProperty(service);
                Assert.Equal("Healthy", check.GetProperty("status").GetString());
                Assert.Equal("memory", check.GetProperty("data").GetProperty("cache").GetString());
            }
        }
        var started = Descendants.Alive().Where(p => !before.Contains(p)).ToList();
        Assert.Contains(started, p => Descendants.Name(p) == "postgres");
        Assert.DoesNotContain(started, p => Descendants.Name(p) == "redis-server");

        await appHost.TerminateAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, appHost.ExitCode);
        var left = started.Where(Platform.Hosting.Processes.ProcessTree.IsAlive).Select(p => $"{p.Pid} {Descendants.CommandLine(p)}").ToList();
        Assert.True(left.Count == 0, "still running after SIGTERM:\n" + string.Join('\n', left));
    }
}
