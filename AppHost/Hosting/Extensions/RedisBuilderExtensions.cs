namespace Platform.Hosting;

public static class RedisBuilderExtensions
{
    /// <summary>An optional Redis server: Disabled with <c>--no-redis</c> or when redis-server is not installed.</summary>
    public static IResourceBuilder<RedisResource> AddRedis(this DistributedApplicationBuilder builder, string name, int? port = null) =>
        builder.AddResource(new RedisResource(name, port, builder.Context));
}
