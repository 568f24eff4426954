using System.Collections.Concurrent;
using Platform.Hosting;

namespace Platform.Tests.Orchestration;

public sealed class StartupTests
{
    [Fact]
    public async Task Resource_starts_only_after_what_it_waits_for_is_running()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Ephemeral = true });
        var redis = builder.AddRedis("cache");
        var worker = builder.AddExecutable("worker", "sleep", "/", "300").WaitFor(redis);
        var changes = new ConcurrentQueue<(string Name, ResourceState State)>();
        redis.Resource.StateChanged += r => changes.Enqueue((r.Name, r.State));
        worker.Resource.StateChanged += r => changes.Enqueue((r.Name, r.State));
        await using var app = builder.Build();

        await app.StartAsync();

        var order = changes.ToList();
        Assert.True(order.IndexOf(("cache", ResourceState.Running)) < order.IndexOf(("worker", ResourceState.Starting)));
        Assert.Equal(ResourceState.Running, worker.Resource.State);
    }

    [Fact]
    public async Task Project_without_build_output_fails_with_a_clear_error_and_its_dependants_never_start()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Ephemeral = true });
        var ghost = builder.AddProject("ghost", "services/ghost/Ghost.Api").WithHttpEndpoint();
        var dependant = builder.AddExecutable("dependant", "sleep", "/", "300").WaitFor(ghost);
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync());

        Assert.Contains("Ghost.Api.dll does not exist: run `dotnet build` first", error.Message);
        Assert.Equal(ResourceState.Failed, ghost.Resource.State);
        Assert.Equal(ResourceState.NotStarted, dependant.Resource.State);
    }

    [Fact]
    public async Task No_redis_flag_disables_the_cache_and_its_connection_string()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Ephemeral = true, Args = ["--no-redis"] });
        var redis = builder.AddRedis("cache").Resource;
        await using var app = builder.Build();

        await app.StartAsync();

        Assert.Equal(ResourceState.Disabled, redis.State);
        Assert.Null(redis.ConnectionString);
        Assert.Contains("in-memory cache", redis.Endpoint);
    }

    [Fact]
    public async Task Server_given_by_a_connection_string_is_used_and_not_started()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Ephemeral = true });
        builder.Configuration["ConnectionStrings:cache"] = "redis.example:6380,password=given";
        var redis = builder.AddRedis("cache").Resource;
        await using var app = builder.Build();

        await app.StartAsync();

        Assert.True(redis.IsExternal);
        Assert.Equal(ResourceState.Running, redis.State);
        Assert.Equal("redis.example:6380,password=given", redis.ConnectionString);
        await Assert.ThrowsAsync<InvalidOperationException>(redis.KillAsync);
    }
}
