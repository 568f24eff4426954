using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace Platform.LocalServers;

/// <summary>
/// A RabbitMQ node run as a local process, with a private node name, Erlang cookie and port mapper (its own epmd
/// resource), so that it neither meets another node on the machine nor leaves a daemon behind. Connection string in
/// the official integration's format (<c>amqp://user:password@host:port</c>).
/// </summary>
public sealed class LocalRabbitMQResource(string name, string folder, string nodeName, ParameterResource password, ExecutableResource portMapper)
    : ExecutableResource(name, ServerAccount.For("rabbitmq").Command(Binaries.RabbitMQ("rabbitmq-server")), folder), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";
    internal const string DistributionEndpointName = "dist";
    public const string UserName = "platform";

    public EndpointReference PrimaryEndpoint => field ??= new(this, EndpointName);

    public EndpointReference DistributionEndpoint => field ??= new(this, DistributionEndpointName);

    public EndpointReference PortMapperEndpoint => field ??= new(portMapper, EndpointName);

    public ParameterResource Password { get; } = password;

    public ServerAccount Account { get; } = ServerAccount.For("rabbitmq");

    public string NodeName { get; } = nodeName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{Password}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");

    /// <summary>What the node and rabbitmqctl both need to find each other.</summary>
    internal Dictionary<string, string> NodeEnvironment() => new()
    {
        ["HOME"] = WorkingDirectory,
        ["RABBITMQ_NODENAME"] = NodeName,
        ["ERL_EPMD_PORT"] = PortMapperEndpoint.Port.ToString(),
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
    };

    /// <summary>
    /// Adds a virtual host (idempotently) that the platform user may use fully, and returns its connection string.
    /// Test fixtures isolate each test class this way.
    /// </summary>
    public async Task<string> CreateVirtualHostAsync(string virtualHost, ILogger logger, CancellationToken cancellationToken = default)
    {
        await ControlAsync(["add_vhost", virtualHost], logger, cancellationToken);
        await ControlAsync(["set_permissions", "-p", virtualHost, UserName, ".*", ".*", ".*"], logger, cancellationToken);
        var connectionString = await ConnectionStringExpression.GetValueAsync(cancellationToken);
        return $"{connectionString}/{Uri.EscapeDataString(virtualHost)}";
    }

    private Task ControlAsync(IReadOnlyList<string> args, ILogger logger, CancellationToken cancellationToken) =>
        Account.RunAsync(Binaries.RabbitMQ("rabbitmqctl"), ["-n", NodeName, .. args], logger, cancellationToken, NodeEnvironment());
}
