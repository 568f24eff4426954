using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults.Data;

namespace Pool.Api.Data;

/// <summary>The pool service's own database (`pooldb`), reached by no other service.</summary>
public sealed class PoolDbContext(DbContextOptions<PoolDbContext> options) : PlatformDbContext(options);

/// <summary>Lets `dotnet ef` build the model without starting the service or reaching a database.</summary>
internal sealed class PoolDbContextFactory : IDesignTimeDbContextFactory<PoolDbContext>
{
    public PoolDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PoolDbContext>();
        NpgsqlExtensions.ConfigureNpgsql(options);
        return new(options.Options);
    }
}
