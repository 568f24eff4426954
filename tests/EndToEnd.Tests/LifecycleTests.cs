using System.Text.Json;

namespace EndToEnd.Tests;

/// <summary><c>./run.sh --no-redis</c>, then SIGTERM: healthy on the in-memory cache, and nothing left behind.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Without_redis_the_platform_is_healthy_on_memory_and_sigterm_leaves_no_process_behind()
    {
        await using var appHost = AppHostProcess.Start("--no-redis");
        await appHost.WaitUntilHealthyAsync(TimeSpan.FromSeconds(180));

        using (var health = JsonDocument.Parse(await appHost.Gateway.GetStringAsync("/health")))
        {
            foreach (var service in PlatformFixture.Services)
            {
                var check = health.RootElement.GetProperty("checks").GetProperty(service);
                Assert.Equal("Healthy", check.GetProperty("status").GetString());
                Assert.Equal("memory", check.GetProperty("data").GetProperty("cache").GetString());
            }
        }
        var started = MarkedProcesses.Find(appHost.Marker);
        Assert.Contains(started, p => p.Name == "postgres");
        Assert.Contains(started, p => p.Name == "dcp");
        Assert.Contains(started, p => p.CommandLine.EndsWith("/Aspire.Dashboard", StringComparison.Ordinal));
        Assert.Contains(started, p => p.CommandLine.EndsWith("/Gateway", StringComparison.Ordinal));
        Assert.DoesNotContain(started, p => p.Name == "redis-server");

        await appHost.TerminateAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, appHost.ExitCode);
        // The orchestrator stops what it runs once the AppHost is gone; give it the time a slow service needs.
        var gone = await Eventually.TrueAsync(() => !started.Any(p => p.IsAlive), TimeSpan.FromSeconds(60));
        var left = started.Where(p => p.IsAlive).Select(p => $"{p.Pid} {p.CommandLine}");
        Assert.True(gone, "still running after SIGTERM:\n" + string.Join('\n', left));
    }
}
