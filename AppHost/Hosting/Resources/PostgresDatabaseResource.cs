using Microsoft.Extensions.Configuration;

namespace Platform.Hosting;

/// <summary>A database on a <see cref="PostgresServerResource"/>, reached with its own role.</summary>
public sealed class PostgresDatabaseResource : Resource, IResourceWithConnectionString
{
    private readonly HostingContext context;

    internal PostgresDatabaseResource(string name, PostgresServerResource server, HostingContext context)
        : base(name)
    {
        Server = server;
        this.context = context;
        AddWaitFor(server);
    }

    public PostgresServerResource Server { get; }

    public override string Type => "Database";

    /// <summary>Configuration's <c>ConnectionStrings:&lt;name&gt;</c> if given, else the database's own role.</summary>
    public string? ConnectionString => context.Configuration.GetConnectionString(Name) ?? Server.DatabaseConnectionString(Name);

    public override string? Endpoint => $"{Server.Name}/{Name}";

    /// <summary>Creates the database and its role on the server (nothing when given by configuration).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken = default)
    {
        SetState(ResourceState.Starting);
        try
        {
            if (context.Configuration.GetConnectionString(Name) is null)
            {
                await Server.CreateDatabaseAsync(Name, cancellationToken);
            }

            SetState(ResourceState.Running);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SetState(ResourceState.Failed, ex.Message);
            throw;
        }
    }

    public override Task StopAsync()
    {
        if (State == ResourceState.Running)
        {
            SetState(ResourceState.Stopped);
        }

        return Task.CompletedTask;
    }
}
