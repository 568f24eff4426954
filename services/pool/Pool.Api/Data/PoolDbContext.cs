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
        // Each entity's mapping sits beside it, in its feature folder.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PoolDbContext).Assembly);
        modelBuilder.ConfigureJobs("pool_jobs");
        modelBuilder.HasSequence<long>(AccountScheduler.RoundRobinSequence);
        modelBuilder.HasSequence<long>(RelayPlanStore.VersionSequence);
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
