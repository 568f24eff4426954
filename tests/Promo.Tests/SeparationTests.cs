using Microsoft.EntityFrameworkCore;
using Npgsql;
using Promo.Api.Data;

namespace Promo.Tests;

[Collection(PromoCollection.Name)]
public sealed class SeparationTests(PromoPlatform platform)
{
    [Fact]
    public async Task Promo_migrations_apply_to_an_empty_database_and_leave_no_pending_model_changes()
    {
        var connectionString = await platform.Servers.CreateDatabaseAsync("promodb_empty");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<PromoDbContext>();
        Microsoft.Extensions.Hosting.DatabaseExtensions.ConfigureNpgsql(options, dataSource);
        await using var db = new PromoDbContext(options.Options);

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration captures");
    }

    [Fact]
    public void The_promo_service_references_no_other_service()
    {
        var references = typeof(PromoDbContext).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(references, name => name is "Pool.Api" or "Identity.Api" or "Users.Api" or "Gateway");
    }
}
