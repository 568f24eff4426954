using Platform.Hosting;
using Platform.Hosting.Processes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Servers;

[Collection(ServersCollection.Name)]
public sealed class RedisTests(ServersFixture servers)
{
    private readonly RedisResource redis = servers.Redis;

    [Fact]
    public async Task Redis_runs_on_a_free_port_and_answers_ping_with_its_password()
    {
        Assert.Equal(ResourceState.Running, redis.State);
        Assert.NotEqual(6379, redis.Port);

        var replies = await RedisWire.SendAsync(redis.Port, ["AUTH", Password], ["PING"]);

        Assert.Equal(["+OK", "+PONG"], replies);
    }

    [Fact]
    public async Task Redis_refuses_commands_without_the_password_or_with_a_wrong_one()
    {
        var replies = await RedisWire.SendAsync(redis.Port, ["PING"], ["AUTH", "wrong"]);

        Assert.StartsWith("-NOAUTH", replies[0]);
        Assert.StartsWith("-WRONGPASS", replies[1]);
    }

    [Fact]
    public async Task Stopped_redis_frees_its_port_and_starts_again_on_the_same_port()
    {
        var port = redis.Port;

        await redis.StopAsync();

        Assert.Equal(ResourceState.Stopped, redis.State);
        Assert.True(FreePort.IsFree(port));

        await redis.StartAsync();

        Assert.Equal(port, redis.Port);
        Assert.Equal(["+OK", "+PONG"], await RedisWire.SendAsync(port, ["AUTH", Password], ["PING"]));
    }

    [Fact]
    public async Task Killed_redis_is_reported_failed_and_starts_again()
    {
        await redis.KillAsync();
        try
        {
            Assert.Equal(ResourceState.Failed, redis.State);
            Assert.True(await Eventually.TrueAsync(() => FreePort.IsFree(redis.Port), TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await redis.StartAsync();
        }

        Assert.Equal(ResourceState.Running, redis.State);
        Assert.Equal(["+OK", "+PONG"], await RedisWire.SendAsync(redis.Port, ["AUTH", Password], ["PING"]));
    }

    private string Password => redis.ConnectionString!.Split(",password=")[1];
}
