using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults.Data;

namespace Identity.Api.Data;

/// <summary>The identity service's own database (`identitydb`), reached by no other service.</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : PlatformDbContext(options);

/// <summary>Lets `dotnet ef` build the model without starting the service or reaching a database.</summary>
internal sealed class IdentityDbContextFactory : IDesignTimeDbContextFactory<IdentityDbContext>
{
    public IdentityDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<IdentityDbContext>();
        NpgsqlExtensions.ConfigureNpgsql(options);
        return new(options.Options);
    }
}
