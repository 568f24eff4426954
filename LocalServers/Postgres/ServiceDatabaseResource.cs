using Aspire.Hosting.ApplicationModel;

namespace Platform.LocalServers;

/// <summary>
/// A service's database on a PostgreSQL server (one this AppHost runs, or an existing one), reached through a login
/// role of its own that can open no other database.
/// </summary>
public sealed class ServiceDatabaseResource(string name, IResourceWithConnectionString server, ParameterResource password)
    : Resource(name), IResourceWithConnectionString, IResourceWithWaitSupport
{
    public IResourceWithConnectionString Server { get; } = server;

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{new RoleConnection(this)}");

    /// <summary>The server's connection string with this database's role, password and name, resolved when asked.</summary>
    private sealed class RoleConnection(ServiceDatabaseResource database) : IValueProvider, IManifestExpressionProvider, IValueWithReferences
    {
        public string ValueExpression => $"{{{database.Name}.connectionString}}";

        public IEnumerable<object> References => [database.Server, database.Password];

        public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
        {
            var server = await database.Server.GetConnectionStringAsync(cancellationToken);
            var password = await database.Password.GetValueAsync(cancellationToken);
            return server is null || password is null ? null : PostgresAdmin.RoleConnectionString(server, database.Name, password);
        }
    }
}
