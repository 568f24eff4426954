using Platform.Hosting;
using Platform.Hosting.Processes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Servers;

[Collection(ServersCollection.Name)]
public sealed class RabbitMQTests(ServersFixture servers)
{
    private readonly RabbitMQServerResource rabbitMQ = servers.RabbitMQ;

    [Fact]
    public async Task RabbitMQ_runs_on_a_free_port_and_lets_guest_open_the_default_virtual_host()
    {
        Assert.Equal(ResourceState.Running, rabbitMQ.State);
        Assert.NotEqual(5672, rabbitMQ.Port);
        Assert.Equal($"amqp://guest:guest@127.0.0.1:{rabbitMQ.Port}", rabbitMQ.ConnectionString);

        Assert.True(await AmqpClient.CanOpenVirtualHostAsync(rabbitMQ.ConnectionString!));
    }

    [Fact]
    public async Task CreateVirtualHostAsync_gives_guest_a_virtual_host_that_did_not_exist_before()
    {
        var missing = $"{rabbitMQ.ConnectionString}/vhost-tests";
        Assert.False(await AmqpClient.CanOpenVirtualHostAsync(missing));

        var created = await rabbitMQ.CreateVirtualHostAsync("vhost-tests");

        Assert.Equal(missing, created);
        Assert.True(await AmqpClient.CanOpenVirtualHostAsync(created));
    }

    [Fact]
    public async Task Killed_RabbitMQ_is_reported_failed_and_starts_again_with_its_virtual_hosts()
    {
        var virtualHost = await rabbitMQ.CreateVirtualHostAsync("crash-tests");
        var port = rabbitMQ.Port;

        await rabbitMQ.KillAsync();
        try
        {
            Assert.Equal(ResourceState.Failed, rabbitMQ.State);
            // The kernel may take a moment to release the listening socket of a SIGKILLed tree.
            Assert.True(await Eventually.TrueAsync(() => FreePort.IsFree(port), TimeSpan.FromSeconds(10)));
        }
        finally
        {
            // The servers are shared by the collection: bring the broker back whatever happened.
            await rabbitMQ.StartAsync();
        }

        Assert.Equal(port, rabbitMQ.Port);
        Assert.True(await AmqpClient.CanOpenVirtualHostAsync(virtualHost));
    }
}
