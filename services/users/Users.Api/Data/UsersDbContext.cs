using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Jobs;
using Users.Api.Profiles;
using Users.Api.RedeemCodes;
using Users.Api.Redemptions;

namespace Users.Api.Data;

/// <summary>The users service's own database (`usersdb`), reached by no other service.</summary>
public sealed class UsersDbContext(DbContextOptions<UsersDbContext> options) : PlatformDbContext(options)
{
    public DbSet<UserProfile> Profiles => Set<UserProfile>();
    public DbSet<RedeemCode> RedeemCodes => Set<RedeemCode>();
    public DbSet<Redemption> Redemptions => Set<Redemption>();
    public DbSet<Job> Jobs => Set<Job>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // Each entity's mapping sits beside it, in its feature folder.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(UsersDbContext).Assembly);
        modelBuilder.ConfigureJobs("user_jobs");
    }
}

/// <summary>Lets `dotnet ef` build the model without starting the service or reaching a database.</summary>
internal sealed class UsersDbContextFactory : IDesignTimeDbContextFactory<UsersDbContext>
{
    public UsersDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<UsersDbContext>();
        DatabaseExtensions.ConfigureNpgsql(options);
        return new(options.Options);
    }
}
