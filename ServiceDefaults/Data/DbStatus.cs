using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Platform.ServiceDefaults.Data;

/// <summary>One database as <c>/internal/db-status</c> reports it (the URL never shows the password).</summary>
public sealed record DbStatus(string Name, bool Ok, string? Url, IReadOnlyList<string> AppliedMigrations, IReadOnlyList<string> PendingMigrations, double LatencyMs, string? Error);

/// <summary>Checks one migrated DbContext's database; registered by <c>AddMigration</c>.</summary>
public interface IDbStatusSource
{
    Task<DbStatus> CheckAsync(CancellationToken cancellationToken);
}

internal sealed class DbStatusSource<TContext>(IServiceScopeFactory scopes) : IDbStatusSource where TContext : DbContext
{
    public async Task<DbStatus> CheckAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var connection = db.Database.GetDbConnection();
        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        var url = $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        var started = Stopwatch.GetTimestamp();
        try
        {
            var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return new DbStatus(builder.Database ?? typeof(TContext).Name, true, url, applied, pending, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new DbStatus(builder.Database ?? typeof(TContext).Name, false, url, [], [], Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.Message);
        }
    }
}
