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

        // Services start beside RabbitMQ and are Degraded until their bus connects, which may be just after the
        // gateway (which waits for the broker) opens.
        string? last = null;
        var healthy = await Eventually.TrueAsync(async () =>
        {
            last = await appHost.Gateway.GetStringAsync("/health");
            using var health = JsonDocument.Parse(last);
            return PlatformFixture.Services.All(service =>
                health.RootElement.GetProperty("checks").GetProperty(service) is var check
                && check.GetProperty("status").GetString() == "Healthy"
                && check.GetProperty("data").GetProperty("cache").GetString() == "memory");
        }, TimeSpan.FromSeconds(60));
        Assert.True(healthy, $"not every service became Healthy on the memory cache: {last}");
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
