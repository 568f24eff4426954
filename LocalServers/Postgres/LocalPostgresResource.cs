using Aspire.Hosting.ApplicationModel;

namespace Platform.LocalServers;

/// <summary>
/// A PostgreSQL server run as a local process by the orchestrator. Its connection string is the official
/// integration's (<c>Host=...;Port=...;Username=postgres;Password=...</c>); the AppHost itself administers it over the
/// server's private Unix socket, where the superuser is trusted, so no lost password can lock it out.
/// </summary>
public sealed class LocalPostgresResource(string name, string folder, ParameterResource password, ServerAccount account)
    : ExecutableResource(name, account.Command(Binaries.Postgres("postgres")), folder), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => field ??= new(this, EndpointName);

    public ParameterResource Password { get; } = password;

    public ServerAccount Account { get; } = account;

    public string DataFolder => Path.Combine(WorkingDirectory, "data");

    public string SocketFolder => Path.Combine(WorkingDirectory, "run");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.IPV4Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username=postgres;Password={Password}");

    /// <summary>The superuser over the Unix socket (trust), on the maintenance database.</summary>
    public string AdminConnectionString =>
        $"Host={SocketFolder};Port={PrimaryEndpoint.Port};Username=postgres;Database=postgres;Pooling=false";
}
