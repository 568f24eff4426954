using Microsoft.EntityFrameworkCore;
using Npgsql;
using Users.Api.Data;

namespace Users.Tests;

/// <summary>users and pool never touch each other's data: enforced by the server and by the build.</summary>
[Collection(PlatformCollection.Name)]
public sealed class SeparationTests(UsersPlatform platform)
{
    [Fact]
    public async Task Users_migrations_apply_to_an_empty_database_and_leave_no_pending_model_changes()
    {
        var connectionString = await platform.Servers.CreateDatabaseAsync("usersdb_empty");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<UsersDbContext>();
        Microsoft.Extensions.Hosting.DatabaseExtensions.ConfigureNpgsql(options, dataSource);
        await using var db = new UsersDbContext(options.Options);

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration captures");
    }

    [Fact]
    public async Task The_users_role_is_refused_by_the_pool_database_and_the_pool_role_by_the_users_database()
    {
        var usersdb = await platform.Servers.CreateDatabaseAsync("usersdb");
        var pooldb = await platform.Servers.CreateDatabaseAsync("pooldb");

        foreach (var (own, other) in new[] { (usersdb, pooldb), (pooldb, usersdb) })
        {
            var intruder = new NpgsqlConnectionStringBuilder(own) { Database = new NpgsqlConnectionStringBuilder(other).Database }.ConnectionString;
            await using var connection = new NpgsqlConnection(intruder);
            var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
    }

    [Fact]
    public void The_users_service_references_no_other_service()
    {
        var references = typeof(UsersDbContext).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(references, name => name is "Pool.Api" or "Identity.Api" or "Promo.Api" or "Gateway");
        Assert.Contains("Platform.Contracts", references);
    }
}
