using MassTransit;

namespace Platform.Testing;

/// <summary>
/// A MassTransit bus on a test's RabbitMQ virtual host, playing other services' parts over the real broker:
/// publishing their events and recording what the service under test sends.
/// </summary>
public static class TestBus
{
    /// <summary>Starts a bus for <c>amqp://user:pass@host:port/vhost</c>; <paramref name="observe"/> adds receive endpoints.</summary>
    public static async Task<IBusControl> StartAsync(string amqpUri, Action<IRabbitMqBusFactoryConfigurator>? observe = null)
    {
        var broker = new Uri(amqpUri);
        var credentials = broker.UserInfo.Split(':');
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(broker.Host, (ushort)broker.Port, Uri.UnescapeDataString(broker.AbsolutePath.Trim('/')), h =>
            {
                h.Username(Uri.UnescapeDataString(credentials[0]));
                h.Password(Uri.UnescapeDataString(credentials[1]));
            });
            observe?.Invoke(rabbit);
        });
        await bus.StartAsync();
        return bus;
    }
}
