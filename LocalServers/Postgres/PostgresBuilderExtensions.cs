using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.LocalServers;

public static class PostgresBuilderExtensions
{
    /// <summary>
    /// PostgreSQL for the model: the server in <c>ConnectionStrings:{name}</c> when one is given (a superuser's, or a
    /// role that may create roles and databases), Aspire's PostgreSQL container resource when publishing, otherwise a
    /// local server this AppHost runs.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresServer(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddPostgres(name);
        }
        return builder.Configuration.GetConnectionString(name) is not null
            ? builder.AddConnectionString(name)
            : builder.AddLocalPostgres(name, port);
    }

    /// <summary>
    /// A service's database with a login role of its own (a published model uses the official database resource).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddServiceDatabase(this IResourceBuilder<IResourceWithConnectionString> server, string name)
    {
        var builder = server.ApplicationBuilder;
        if (server.Resource is PostgresServerResource official)
        {
            return builder.CreateResourceBuilder(official).AddDatabase(name);
        }

        var password = builder.AddGeneratedSecret($"{name}-password", keys => keys.Password($"postgres:{name}"));
        var database = new ServiceDatabaseResource(name, server.Resource, password.Resource);
        string? connectionString = null;
        var check = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString ?? throw new InvalidOperationException($"{name} is not created yet."), name: check);

        var resource = builder.AddResource(database)
            .WithParentRelationship(server.Resource)
            .WithIconName("Database")
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", State = KnownResourceStates.NotStarted, Properties = [] })
            .WithHealthCheck(check)
            .OnInitializeResource(async (db, e, ct) =>
            {
                // WaitFor is carried out by the BeforeResourceStartedEvent, as for every resource.
                await e.Eventing.PublishAsync(new BeforeResourceStartedEvent(db, e.Services), ct);
                await e.Notifications.PublishUpdateAsync(db, s => s with { State = KnownResourceStates.Starting });
                try
                {
                    var admin = db.Server is LocalPostgresResource local
                        ? local.AdminConnectionString
                        : await db.Server.GetConnectionStringAsync(ct) ?? throw new InvalidOperationException($"{db.Server.Name} has no connection string.");
                    var secret = await db.Password.GetValueAsync(ct) ?? throw new InvalidOperationException($"{db.Password.Name} has no value.");
                    await PostgresAdmin.EnsureDatabaseAsync(admin, db.Name, secret, ct);
                    connectionString = await db.ConnectionStringExpression.GetValueAsync(ct);
                    await e.Notifications.PublishUpdateAsync(db, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
                    await e.Eventing.PublishAsync(new ConnectionStringAvailableEvent(db, e.Services), ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    e.Logger.LogDatabaseFailed(db.Name, ex);
                    await e.Notifications.PublishUpdateAsync(db, s => s with { State = KnownResourceStates.FailedToStart });
                }
            });
        // An existing server given as a connection string is a parameter: there is nothing to wait for.
        return server.Resource is ParameterResource ? resource : resource.WaitFor(server);
    }

    /// <summary>A PostgreSQL server run by this AppHost, data under <c>{DataDirectory}/{name}</c>.</summary>
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, int? port = null)
    {
        var settings = LocalServerSettings.From(builder);
        var password = builder.AddGeneratedSecret($"{name}-password", keys => keys.Password("postgres:postgres"));
        var server = new LocalPostgresResource(name, settings.Folder(name), password.Resource, ServerAccount.For("postgres"));
        var check = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => server.AdminConnectionString, name: check);

        return builder.AddResource(server)
            .WithEndpoint(port: port, name: LocalPostgresResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithIconName("DatabaseMultiple")
            .WithArgs(context =>
            {
                // Throwaway clusters are tests: durability only costs them time. They also hold many service
                // instances at once, each with its own pools.
                string[] durability = settings.Throwaway ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : [];
                object[] args =
                [
                    .. server.Account.Prefix(Binaries.Postgres("postgres")),
                    "-D", server.DataFolder, "-k", server.SocketFolder,
                    "-p", server.PrimaryEndpoint.Property(EndpointProperty.TargetPort),
                    "-c", "listen_addresses=127.0.0.1", "-c", $"max_connections={(settings.Throwaway ? 1000 : 300)}",
                    .. durability,
                ];
                foreach (var arg in args)
                {
                    context.Args.Add(arg);
                }
            })
            .WithHealthCheck(check)
            .OnBeforeResourceStarted(async (pg, e, ct) => await InitializeAsync(pg, e.Services, settings.Throwaway, ct))
            // Kept data may predate the current password (a new key ring): set it again on every start.
            .OnResourceReady(async (pg, _, ct) =>
                await PostgresAdmin.SetSuperuserPasswordAsync(pg.AdminConnectionString, await pg.Password.GetValueAsync(ct) ?? "", ct));
    }

    /// <summary>
    /// The folders the server needs and, on first start, the cluster: the superuser trusted on the socket only, and
    /// with its password already set for TCP (so nothing can reach the server before it has one).
    /// </summary>
    private static async Task InitializeAsync(LocalPostgresResource server, IServiceProvider services, bool throwaway, CancellationToken ct)
    {
        var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
        await server.Account.CreateDirectoryAsync(server.WorkingDirectory, logger, ct);
        await server.Account.CreateDirectoryAsync(server.SocketFolder, logger, ct);
        if (File.Exists(Path.Combine(server.DataFolder, "PG_VERSION")))
        {
            return;
        }
        await server.Account.CreateDirectoryAsync(server.DataFolder, logger, ct);
        var passwordFile = Path.Combine(server.WorkingDirectory, "initdb-password");
        await server.Account.WriteFileAsync(passwordFile, await server.Password.GetValueAsync(ct) ?? "", writable: false, logger, ct);
        try
        {
            List<string> args = ["-D", server.DataFolder, "-U", "postgres", "-E", "UTF8", "--locale=C", $"--pwfile={passwordFile}",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--no-instructions"];
            if (throwaway)
            {
                args.Add("--no-sync");
            }
            await server.Account.RunAsync(Binaries.Postgres("initdb"), args, logger, ct);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }
}
