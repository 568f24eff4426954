using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Jobs;
using Pool.Api.Groups;
using Pool.Api.Mothers;
using Pool.Api.Plans;
using Pool.Api.Relay;
using Pool.Api.Seats;

namespace Pool.Api.Data;

/// <summary>The pool service's own database (`pooldb`), reached by no other service.</summary>
public sealed class PoolDbContext(DbContextOptions<PoolDbContext> options) : PlatformDbContext(options)
{
    public DbSet<PoolGroup> PoolGroups => Set<PoolGroup>();
    public DbSet<PoolSequence> PoolSequences => Set<PoolSequence>();
    public DbSet<Mother> Mothers => Set<Mother>();
    public DbSet<MotherTeam> MotherTeams => Set<MotherTeam>();
    public DbSet<ChildAccount> ChildAccounts => Set<ChildAccount>();
    public DbSet<Seat> Seats => Set<Seat>();
    public DbSet<SeatAllocation> SeatAllocations => Set<SeatAllocation>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<StickySession> StickySessions => Set<StickySession>();
    public DbSet<RelaySlot> RelaySlots => Set<RelaySlot>();
    public DbSet<UsageBucket> UsageBuckets => Set<UsageBucket>();
    public DbSet<RelaySetting> RelaySettings => Set<RelaySetting>();
    public DbSet<RelayPlan> RelayPlans => Set<RelayPlan>();
    public DbSet<RelayPlanOrder> RelayPlanOrders => Set<RelayPlanOrder>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ConfigureJobs("pool_jobs");
        modelBuilder.Entity<PoolGroup>(e =>
        {
            e.Property(g => g.Name).HasMaxLength(100);
            e.HasIndex(g => g.Name).IsUnique();
            e.Property(g => g.TeamNameTemplate).HasMaxLength(200);
            e.Property(g => g.EmailTemplate).HasMaxLength(200);
            e.Property(g => g.EmailDomain).HasMaxLength(200);
        });
        modelBuilder.Entity<PoolSequence>(e =>
        {
            e.HasKey(s => new { s.GroupId, s.Kind, s.Day });
            e.Property(s => s.Kind).HasMaxLength(20);
            e.Property(s => s.Day).HasMaxLength(8);
        });
        modelBuilder.Entity<Mother>(e =>
        {
            e.Property(m => m.Name).HasMaxLength(100);
            e.Property(m => m.Email).HasMaxLength(254);
            e.Property(m => m.Provider).HasMaxLength(50);
            e.Property(m => m.Status).HasLowerCaseName();
            e.HasIndex(m => new { m.GroupId, m.Status });
            e.HasIndex(m => m.Email).IsUnique();
        });
        modelBuilder.Entity<MotherTeam>(e =>
        {
            e.Property(t => t.TeamId).HasMaxLength(100);
            e.Property(t => t.Name).HasMaxLength(200);
            e.HasIndex(t => new { t.MotherId, t.TeamId }).IsUnique();
        });
        modelBuilder.Entity<ChildAccount>(e =>
        {
            e.Property(c => c.TeamId).HasMaxLength(100);
            e.Property(c => c.Email).HasMaxLength(254);
            e.Property(c => c.Status).HasMaxLength(20);
            e.Property(c => c.MemberId).HasMaxLength(100);
            e.HasIndex(c => new { c.MotherId, c.TeamId, c.Email }).IsUnique();
        });
        modelBuilder.Entity<Seat>(e =>
        {
            e.Property(s => s.Status).HasLowerCaseName(10);
            e.Property(s => s.TeamId).HasMaxLength(100);
            e.Property(s => s.Email).HasMaxLength(254);
            e.HasIndex(s => new { s.MotherId, s.Slot }).IsUnique();
            // One seat per email on a team, whatever the concurrency.
            e.HasIndex(s => new { s.TeamId, s.Email }).IsUnique().HasFilter("email IS NOT NULL");
            e.HasIndex(s => s.RedemptionId).IsUnique().HasFilter("redemption_id IS NOT NULL");
        });
        modelBuilder.Entity<SeatAllocation>(e =>
        {
            e.HasKey(a => a.RedemptionId);
            e.Property(a => a.Email).HasMaxLength(254);
            e.Property(a => a.TeamId).HasMaxLength(100);
            e.Property(a => a.Reason).HasMaxLength(200);
            e.Property(a => a.Status).HasLowerCaseName();
        });
        modelBuilder.HasSequence<long>(AccountScheduler.RoundRobinSequence);
        modelBuilder.HasSequence<long>(RelayPlanStore.VersionSequence);
        modelBuilder.ApplyConfiguration(new RelayPlanConfiguration());
        modelBuilder.ApplyConfiguration(new RelayPlanOrderConfiguration());
        modelBuilder.Entity<RelaySetting>(e =>
        {
            e.ToTable("relay_settings");
            e.Property(r => r.Id).ValueGeneratedNever();
            e.Property(r => r.Strategy).HasMaxLength(20);
        });
        modelBuilder.Entity<StickySession>(e =>
        {
            e.ToTable("relay_sticky_sessions");
            e.HasKey(s => s.SessionHash);
            e.Property(s => s.SessionHash).HasMaxLength(32);
            e.HasIndex(s => s.MotherId);
            e.HasIndex(s => s.ExpiresAt);
        });
        modelBuilder.Entity<RelaySlot>(e =>
        {
            e.ToTable("relay_slots");
            e.Property(s => s.Scope).HasMaxLength(120);
            e.HasIndex(s => new { s.Scope, s.ExpiresAt });
        });
        modelBuilder.Entity<UsageBucket>(e =>
        {
            e.ToTable("relay_usage");
            e.HasKey(u => new { u.ApiKeyId, u.Period, u.BucketStart, u.MotherId, u.Model });
            e.Property(u => u.Period).HasMaxLength(10);
            e.Property(u => u.ApiKeyId).HasMaxLength(100);
            e.Property(u => u.Model).HasMaxLength(100);
            e.Property(u => u.Cost).HasPrecision(18, 6);
            e.HasIndex(u => new { u.Period, u.BucketStart });
            e.HasIndex(u => new { u.MotherId, u.Period, u.BucketStart });
            e.HasIndex(u => new { u.UserId, u.Period, u.BucketStart });
        });
    }

}

/// <summary>Lets `dotnet ef` build the model without starting the service or reaching a database.</summary>
internal sealed class PoolDbContextFactory : IDesignTimeDbContextFactory<PoolDbContext>
{
    public PoolDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PoolDbContext>();
        DatabaseExtensions.ConfigureNpgsql(options);
        return new(options.Options);
    }
}
