using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pool.Api.Data;

namespace Pool.Tests;

/// <summary>pool's database stands alone: its migrations build it from nothing, and pool references no other service.</summary>
[Collection(PoolCollection.Name)]
public sealed class SeparationTests(PoolPlatform platform)
{
    [Fact]
    public async Task Pool_migrations_apply_to_an_empty_database_and_leave_no_pending_model_changes()
    {
        await using var dataSource = NpgsqlDataSource.Create(await platform.Servers.CreateDatabaseAsync("pooldb_empty"));
        var options = new DbContextOptionsBuilder<PoolDbContext>();
        Microsoft.Extensions.Hosting.DatabaseExtensions.ConfigureNpgsql(options, dataSource);
        await using var db = new PoolDbContext(options.Options);

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration captures");
    }

    [Fact]
    public void The_pool_service_references_no_other_service()
    {
        var references = typeof(PoolDbContext).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(references, name => name is "Users.Api" or "Identity.Api" or "Promo.Api" or "Gateway");
        Assert.Contains("Platform.Contracts", references);
    }
}
