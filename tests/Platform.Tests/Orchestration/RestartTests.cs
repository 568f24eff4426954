using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Hosting;

namespace Platform.Tests.Orchestration;

public sealed class RestartTests
{
    [Fact]
    public async Task Crashing_executable_is_restarted_after_one_then_two_seconds()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Ephemeral = true });
        var crasher = builder.AddExecutable("crasher", "sh", "/", "-c", "exit 3").Resource;
        var states = new ConcurrentQueue<(ResourceState State, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        crasher.StateChanged += r => states.Enqueue((r.State, clock.Elapsed));
        await using var app = builder.Build();

        await app.StartAsync();
        Assert.True(await Eventually.TrueAsync(() => crasher.RestartCount >= 2, TimeSpan.FromSeconds(15)));

        var launches = states.Where(s => s.State == ResourceState.Running).Select(s => s.At).ToList();
        Assert.Contains(states, s => s.State == ResourceState.Restarting);
        Assert.True(launches[1] - launches[0] >= TimeSpan.FromSeconds(0.95), $"first restart after {launches[1] - launches[0]}");
        Assert.True(launches[2] - launches[1] >= TimeSpan.FromSeconds(1.95), $"second restart after {launches[2] - launches[1]}");
    }

    [Fact]
    public void Backoff_doubles_from_one_second_up_to_thirty()
    {
        var backoff = new RestartBackoff();

        var delays = Enumerable.Range(0, 7).Select(_ => backoff.NextDelay(TimeSpan.FromSeconds(1)).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], delays);
    }

    [Fact]
    public void Backoff_starts_again_at_one_second_after_a_run_of_a_minute()
    {
        var backoff = new RestartBackoff();
        backoff.NextDelay(TimeSpan.FromSeconds(1));
        backoff.NextDelay(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(4), backoff.NextDelay(TimeSpan.FromSeconds(59)));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay(TimeSpan.FromSeconds(60)));
    }
}
