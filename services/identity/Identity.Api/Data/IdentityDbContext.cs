using Identity.Api.Accounts;
using Identity.Api.ApiKeys;
using Identity.Api.Bans;
using Identity.Api.Codes;
using Identity.Api.DevOutbox;
using Identity.Api.Grants;
using Identity.Api.OAuth;
using Identity.Api.Sessions;
using Identity.Api.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Platform.ServiceDefaults.Data;

namespace Identity.Api.Data;

/// <summary>The identity service's own database (`identitydb`), reached by no other service.</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : PlatformDbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<VerifyCode> VerifyCodes => Set<VerifyCode>();
    public DbSet<VerifyAttempt> VerifyAttempts => Set<VerifyAttempt>();
    public DbSet<UserToken> UserTokens => Set<UserToken>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<RelayPlanLimits> RelayPlanLimits => Set<RelayPlanLimits>();
    public DbSet<Ban> Bans => Set<Ban>();
    public DbSet<DevOutboxMessage> DevOutbox => Set<DevOutboxMessage>();
    public DbSet<ExternalLogin> ExternalLogins => Set<ExternalLogin>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<PermissionGrant> PermissionGrants => Set<PermissionGrant>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<User>(e =>
        {
            e.Property(u => u.Email).HasMaxLength(254);
            e.Property(u => u.Phone).HasMaxLength(20);
            e.HasIndex(u => u.Email).IsUnique();
            e.HasIndex(u => u.Phone).IsUnique();
            e.Property(u => u.Status).HasLowerCaseName();
        });
        modelBuilder.Entity<VerifyCode>(e =>
        {
            e.Property(c => c.Channel).HasLowerCaseName(10);
            e.Property(c => c.Target).HasMaxLength(254);
            e.Property(c => c.Ip).HasMaxLength(45);
            e.HasIndex(c => new { c.Target, c.CreatedAt });
            e.HasIndex(c => new { c.Ip, c.CreatedAt });
        });
        modelBuilder.Entity<VerifyAttempt>(e =>
        {
            e.Property(a => a.Target).HasMaxLength(254);
            e.Property(a => a.Ip).HasMaxLength(45);
            e.HasIndex(a => new { a.Target, a.Ip, a.At });
        });
        modelBuilder.Entity<UserToken>(e =>
        {
            e.Property(t => t.TokenHash).HasMaxLength(64);
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasIndex(t => t.UserId);
            e.Property(t => t.ClientInfo).HasMaxLength(200);
        });
        modelBuilder.Entity<ApiKey>(e =>
        {
            e.Property(k => k.KeyHash).HasMaxLength(64);
            e.HasIndex(k => k.KeyHash).IsUnique();
            e.HasIndex(k => k.UserId);
            e.Property(k => k.Name).HasMaxLength(100);
            e.Property(k => k.Prefix).HasMaxLength(16);
            e.Property(k => k.DailyCostLimit).HasPrecision(18, 2);
        });
        modelBuilder.Entity<RelayPlanLimits>(e =>
        {
            e.ToTable("relay_plan_limits");
            e.HasKey(p => p.UserId);
            e.Property(p => p.UserId).ValueGeneratedNever();
            e.Property(p => p.DailyCost).HasPrecision(18, 6);
        });
        modelBuilder.Entity<UserSession>(e =>
        {
            e.HasKey(s => s.CredentialId);
            e.Property(s => s.CredentialId).HasMaxLength(64);
            e.HasIndex(s => s.UserId);
        });
        modelBuilder.Entity<Ban>(e =>
        {
            e.Property(b => b.Kind).HasLowerCaseName(10);
            e.Property(b => b.Value).HasMaxLength(254);
            e.Property(b => b.Address).HasMaxLength(45);
            e.Property(b => b.Reason).HasMaxLength(200);
            e.Property(b => b.CreatedBy).HasMaxLength(64);
            e.HasIndex(b => new { b.Kind, b.Value, b.Until });
        });
        modelBuilder.Entity<ExternalLogin>(e =>
        {
            e.HasKey(l => new { l.Provider, l.Subject });
            e.Property(l => l.Provider).HasMaxLength(50);
            e.Property(l => l.Subject).HasMaxLength(255);
            e.Property(l => l.Email).HasMaxLength(254);
            e.HasIndex(l => l.UserId);
        });
        modelBuilder.Entity<PermissionGrant>(e =>
        {
            e.HasKey(g => new { g.UserId, g.Resource });
            e.Property(g => g.Resource).HasMaxLength(50);
            e.Property(g => g.Access).HasMaxLength(10);
            e.Property(g => g.GrantedBy).HasMaxLength(64);
            e.HasOne<User>().WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<DevOutboxMessage>(e =>
        {
            e.ToTable("dev_outbox");
            e.Property(m => m.Channel).HasLowerCaseName(10);
            e.Property(m => m.Target).HasMaxLength(254);
            e.Property(m => m.Code).HasMaxLength(10);
            e.HasIndex(m => m.Target);
        });
    }

}

/// <summary>Lets `dotnet ef` build the model without starting the service or reaching a database.</summary>
internal sealed class IdentityDbContextFactory : IDesignTimeDbContextFactory<IdentityDbContext>
{
    public IdentityDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<IdentityDbContext>();
        DatabaseExtensions.ConfigureNpgsql(options);
        return new(options.Options);
    }
}
