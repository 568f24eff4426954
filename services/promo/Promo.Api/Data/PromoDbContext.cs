using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults.Data;

namespace Promo.Api.Data;

/// <summary>The promo service's own database (`promodb`), reached by no other service.</summary>
public sealed class PromoDbContext(DbContextOptions<PromoDbContext> options) : PlatformDbContext(options);

/// <summary>Lets `dotnet ef` build the model without starting the service or reaching a database.</summary>
internal sealed class PromoDbContextFactory : IDesignTimeDbContextFactory<PromoDbContext>
{
    public PromoDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PromoDbContext>();
        NpgsqlExtensions.ConfigureNpgsql(options);
        return new(options.Options);
    }
}
