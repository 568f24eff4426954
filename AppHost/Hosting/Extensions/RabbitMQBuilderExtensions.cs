namespace Platform.Hosting;

public static class RabbitMQBuilderExtensions
{
    /// <summary>A RabbitMQ broker (guest/guest on loopback).</summary>
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this DistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddResource(new RabbitMQServerResource(name, port, builder.Context));
}
