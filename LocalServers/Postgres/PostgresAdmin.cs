using System.Text.RegularExpressions;
using Npgsql;

namespace Platform.LocalServers;

/// <summary>What the AppHost does on a PostgreSQL server as its superuser.</summary>
public static partial class PostgresAdmin
{
    /// <summary>
    /// Creates (idempotently) a database and a login role of the same name that owns it, with this password, and refuses
    /// that database to everyone else: the server, not convention, keeps each service to its own data.
    /// </summary>
    public static async Task EnsureDatabaseAsync(string adminConnectionString, string name, string password, CancellationToken cancellationToken)
    {
        if (!IdentifierPattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}': a database name is 1-63 letters, digits, '_' or '-', not starting with 'pg_'.", nameof(name));
        }

        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        var quoted = $"\"{name}\"";
        await ExecuteAsync(connection, $"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN CREATE ROLE {quoted}; END IF;
            END $$;
            ALTER ROLE {quoted} WITH LOGIN PASSWORD '{password.Replace("'", "''")}'
            """, cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await ExecuteAsync(connection, $"CREATE DATABASE {quoted} OWNER {quoted}", cancellationToken);
            }
        }
        // Nor may any role open the maintenance or template databases (what it planted in template1 would appear in
        // every database created after).
        await ExecuteAsync(connection, $"""
            REVOKE CONNECT ON DATABASE {quoted} FROM PUBLIC;
            REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
            REVOKE CONNECT ON DATABASE template1 FROM PUBLIC
            """, cancellationToken);
    }

    /// <summary>Sets the superuser's password (the AppHost itself uses the socket, where it is trusted).</summary>
    public static async Task SetSuperuserPasswordAsync(string adminConnectionString, string password, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, $"""
            ALTER ROLE postgres WITH PASSWORD '{password.Replace("'", "''")}'
            """, cancellationToken);
    }

    /// <summary>A role's connection string: the server's address with that role's name, password and database.</summary>
    public static string RoleConnectionString(string serverConnectionString, string name, string password) =>
        new NpgsqlConnectionStringBuilder(serverConnectionString) { Username = name, Password = password, Database = name }.ConnectionString;

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex("^(?!pg_)[A-Za-z0-9_-]{1,63}$")]
    private static partial Regex IdentifierPattern();
}
