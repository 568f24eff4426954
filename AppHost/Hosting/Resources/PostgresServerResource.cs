using System.Text.RegularExpressions;
using Npgsql;
using Platform.Hosting.Processes;

namespace Platform.Hosting;

/// <summary>
/// A PostgreSQL 15 server run in the foreground as the postgres account. Each database gets a login
/// role of the same name that owns it and that the server refuses on every other database.
/// </summary>
public sealed partial class PostgresServerResource : ServerResource
{
    private const string SuperUser = "postgres";
    private readonly SemaphoreSlim ddl = new(1, 1);
    private readonly Lazy<UnixUser> account = new(() => UnixUser.Find("postgres"));

    internal PostgresServerResource(string name, int? port, HostingContext context)
        : base(name, port ?? 5432, context)
    {
    }

    public override string Type => "Postgres";

    private protected override string LocalConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username={SuperUser};Password={Context.Passwords.Get($"postgres:{SuperUser}")}";

    private protected override int StopSignal => Libc.SIGINT; // PostgreSQL's fast shutdown

    private protected override bool ProbesExternal => true;

    private string Folder => Context.ResourceDirectory("postgres", Name);

    private string DataFolder => Path.Combine(Folder, "data");

    private string SocketFolder => Path.Combine(Folder, "run");

    /// <summary>
    /// The superuser's way in: the private Unix socket (trust) for a local server, so a lost
    /// password never locks the AppHost out; the given connection string for an external one.
    /// </summary>
    private string AdminConnectionString => new NpgsqlConnectionStringBuilder(
        ExternalConnectionString ?? $"Host={SocketFolder};Port={Port};Username={SuperUser}")
    { Database = "postgres", Pooling = false }.ConnectionString;

    /// <summary>
    /// Creates (idempotently) a database and its owner role of the same name, and returns the
    /// connection string that role uses. Test fixtures isolate each test class this way.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!IdentifierPattern().IsMatch(name))
        {
            throw new ArgumentException("A database name is 1-63 letters, digits, '_' or '-', not starting with 'pg_' (reserved for roles).", nameof(name));
        }

        await WaitUntilReadyAsync(cancellationToken);
        await ddl.WaitAsync(cancellationToken);
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync(cancellationToken);
            var quoted = $"\"{name}\"";
            var password = RolePassword(name).Replace("'", "''");
            await ExecuteAsync(connection, $"""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN CREATE ROLE {quoted}; END IF;
                END $$;
                ALTER ROLE {quoted} WITH LOGIN PASSWORD '{password}'
                """, cancellationToken);
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection))
            {
                exists.Parameters.Add(new NpgsqlParameter { Value = name });
                if (await exists.ExecuteScalarAsync(cancellationToken) is null)
                {
                    await ExecuteAsync(connection, $"CREATE DATABASE {quoted} OWNER {quoted}", cancellationToken);
                }
            }

            // Connecting is then the owner's privilege alone (and the superuser's).
            await ExecuteAsync(connection, $"REVOKE CONNECT ON DATABASE {quoted} FROM PUBLIC", cancellationToken);
            return DatabaseConnectionString(name);
        }
        finally
        {
            ddl.Release();
        }
    }

    /// <summary>The connection string of a database's own role (Aspire's format).</summary>
    internal string DatabaseConnectionString(string database) => ExternalConnectionString is { } external
        ? new NpgsqlConnectionStringBuilder(external) { Username = database, Password = RolePassword(database), Database = database }.ConnectionString
        : $"Host=127.0.0.1;Port={Port};Username={database};Password={RolePassword(database)};Database={database}";

    private protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        HostingContext.CreatePrivateDirectory(SocketFolder, account.Value);
        if (File.Exists(Path.Combine(DataFolder, "PG_VERSION")))
        {
            return;
        }

        HostingContext.CreatePrivateDirectory(DataFolder, account.Value);
        List<string> args = ["-D", DataFolder, "-U", SuperUser, "-E", "UTF8", "--locale=C",
            "--auth-local=trust", "--auth-host=scram-sha-256", "--no-instructions"];
        if (Context.Ephemeral)
        {
            args.Add("--no-sync");
        }

        var code = await Context.RunToEndAsync(Name, new ProcessSpec(Binary("initdb"), args) { User = account.Value }, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"initdb exited with code {code} (see its output above).");
        }
    }

    private protected override ProcessSpec CreateProcessSpec()
    {
        // Test servers hold many service instances at once, each with its own connection pools.
        var maxConnections = Context.Ephemeral ? 1000 : 300;
        List<string> args = ["-D", DataFolder, "-p", Port.ToString(), "-k", SocketFolder,
            "-c", "listen_addresses=127.0.0.1", "-c", $"max_connections={maxConnections}"];
        if (Context.Ephemeral)
        {
            // Throwaway data: durability only costs time.
            args.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        return new ProcessSpec(Binary("postgres"), args) { User = account.Value, WorkingDirectory = DataFolder };
    }

    private protected override async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync(cancellationToken);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private protected override async Task OnReadyAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        var password = Context.Passwords.Get($"postgres:{SuperUser}").Replace("'", "''");
        await ExecuteAsync(connection, $"""
            ALTER ROLE {SuperUser} WITH PASSWORD '{password}';
            REVOKE CONNECT ON DATABASE postgres FROM PUBLIC
            """, cancellationToken);
    }

    private string RolePassword(string role) => Context.Passwords.Get($"postgres:{role}");

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A binary of the newest PostgreSQL the Debian packages installed.</summary>
    private static string Binary(string name) =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .OrderByDescending(dir => int.TryParse(Path.GetFileName(dir), out var version) ? version : 0)
            .Select(dir => Path.Combine(dir, "bin", name))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"PostgreSQL's {name} is not installed under /usr/lib/postgresql.");

    [GeneratedRegex("^(?!pg_)[A-Za-z0-9_-]{1,63}$")]
    private static partial Regex IdentifierPattern();
}
