using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults.Data;

namespace Users.Api.Data;

/// <summary>The users service's own database (`usersdb`), reached by no other service.</summary>
public sealed class UsersDbContext(DbContextOptions<UsersDbContext> options) : PlatformDbContext(options);

/// <summary>Lets `dotnet ef` build the model without starting the service or reaching a database.</summary>
internal sealed class UsersDbContextFactory : IDesignTimeDbContextFactory<UsersDbContext>
{
    public UsersDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<UsersDbContext>();
        NpgsqlExtensions.ConfigureNpgsql(options);
        return new(options.Options);
    }
}
