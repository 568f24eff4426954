using Npgsql;

namespace Platform.ServiceDefaults.Sessions;

/// <summary>
/// Sessions in the service's own database (table <c>sessions</c>): they survive restarts of anything, Redis
/// included. Plain SQL: each operation is one statement.
/// </summary>
public sealed class PostgresSessionStore(NpgsqlDataSource database, TimeProvider time) : ISessionStore
{
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand(
            "SELECT value FROM sessions WHERE key = $1 AND (expires_at IS NULL OR expires_at > $2)");
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = time.GetUtcNow() });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SetAsync(string key, string value, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO sessions (key, value, expires_at) VALUES ($1, $2, $3)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
            """);
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = value });
        command.Parameters.Add(new() { Value = ttl is { } t && t > TimeSpan.Zero ? time.GetUtcNow() + t : DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        await TakeAsync(key, cancellationToken) is not null;

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        await GetAsync(key, cancellationToken) is not null;

    public async Task<string?> TakeAsync(string key, CancellationToken cancellationToken = default)
    {
        // One statement: concurrent takers queue on the row lock, and only the first finds the row.
        await using var command = database.CreateCommand("DELETE FROM sessions WHERE key = $1 RETURNING value, expires_at");
        command.Parameters.Add(new() { Value = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var expired = !reader.IsDBNull(1) && reader.GetFieldValue<DateTimeOffset>(1) <= time.GetUtcNow();
        return expired ? null : reader.GetString(0);
    }

    /// <summary>Deletes expired rows, so the table does not grow with abandoned sessions.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand("DELETE FROM sessions WHERE expires_at <= $1");
        command.Parameters.Add(new() { Value = time.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
