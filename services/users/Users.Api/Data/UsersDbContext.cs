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
        modelBuilder.Entity<UserProfile>(e =>
        {
            e.ToTable("user_profiles");
            e.Property(p => p.Email).HasMaxLength(254);
            e.Property(p => p.Phone).HasMaxLength(20);
            e.Property(p => p.DisplayName).HasMaxLength(100);
            e.Property(p => p.Locale).HasMaxLength(20);
            e.Property(p => p.Status).HasLowerCaseName();
            e.HasIndex(p => p.Status);
        });
        modelBuilder.Entity<RedeemCode>(e =>
        {
            e.Property(c => c.CodeHash).HasMaxLength(64);
            e.HasIndex(c => c.CodeHash).IsUnique();
            e.HasIndex(c => c.BatchId);
            e.Property(c => c.Prefix).HasMaxLength(16);
            e.Property(c => c.CreatedBy).HasMaxLength(64);
            e.Property(c => c.TeamId).HasMaxLength(100);
            e.Property(c => c.Status).HasLowerCaseName();
        });
        modelBuilder.Entity<Redemption>(e =>
        {
            e.Property(r => r.Email).HasMaxLength(254);
            e.Property(r => r.TeamId).HasMaxLength(100);
            e.Property(r => r.Reason).HasMaxLength(300);
            e.Property(r => r.Status).HasLowerCaseName();
            e.HasIndex(r => new { r.UserId, r.CreatedAt });
            e.HasIndex(r => r.CreatedAt).HasFilter("status = 'pending' AND cancel_requested_at IS NULL");
        });
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
