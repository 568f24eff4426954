using System.Text.RegularExpressions;
using Platform.Hosting;
using Platform.Hosting.Processes;

namespace Platform.Tests.Orchestration;

public sealed partial class CleanShutdownTests
{
    [Fact]
    public async Task Disposed_application_leaves_no_process_behind_and_frees_every_port()
    {
        Descendants.AdoptOrphans();
        var before = Descendants.Alive().ToHashSet();
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Ephemeral = true });
        var postgres = builder.AddPostgres("postgres").Resource;
        var redis = builder.AddRedis("cache").Resource;
        var rabbitMQ = builder.AddRabbitMQ("messaging").Resource;
        var app = builder.Build();

        await app.StartAsync();
        var started = Descendants.Alive().Where(p => !before.Contains(p)).ToList();
        var dataDirectory = started.Select(p => DataDirectoryPattern().Match(Descendants.CommandLine(p)).Value).First(dir => dir != "");
        await app.DisposeAsync();

        Assert.Contains(started, p => Descendants.Name(p) == "epmd"); // the detached daemon is counted too
        Assert.Empty(started.Where(ProcessTree.IsAlive).Select(Descendants.Name));
        Assert.All(new[] { postgres.Port, redis.Port, rabbitMQ.Port }, port => Assert.True(FreePort.IsFree(port)));
        Assert.False(Directory.Exists(dataDirectory), $"{dataDirectory} is left behind");
    }

    [Fact]
    public async Task Executable_ignoring_SIGTERM_is_killed_with_its_children()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Ephemeral = true });
        var stubborn = builder.AddExecutable("stubborn", "sh", "/", "-c", "trap '' TERM; sleep 300 & sleep 300").Resource;
        await using var app = builder.Build();
        await app.StartAsync();
        Assert.True(await Eventually.TrueAsync(() => SleepsUnderTest().Count == 2, TimeSpan.FromSeconds(10)));
        var sleeps = SleepsUnderTest();

        await stubborn.StopAsync();

        Assert.Equal(ResourceState.Stopped, stubborn.State);
        Assert.DoesNotContain(sleeps, ProcessTree.IsAlive);
    }

    // Other suites may run ephemeral apps meanwhile: take this app's folder from its postgres' -D.
    [GeneratedRegex("/[^ ]*/platform-[^/ ]+")]
    private static partial Regex DataDirectoryPattern();

    private static List<ProcessId> SleepsUnderTest() => [.. Descendants.Alive().Where(p => Descendants.Name(p) == "sleep")];
}
