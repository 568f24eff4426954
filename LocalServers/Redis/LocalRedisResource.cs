using Aspire.Hosting.ApplicationModel;

namespace Platform.LocalServers;

/// <summary>A Redis server run as a local process, with the official integration's connection string (<c>host:port,password=...</c>).</summary>
public sealed class LocalRedisResource(string name, string folder, ParameterResource password)
    : ExecutableResource(name, "redis-server", folder), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => field ??= new(this, EndpointName);

    public ParameterResource Password { get; } = password;

    /// <summary>The server's settings; a file rather than arguments keeps the password out of the process list.</summary>
    public string ConfigFile => Path.Combine(WorkingDirectory, "redis.conf");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={Password}");
}
