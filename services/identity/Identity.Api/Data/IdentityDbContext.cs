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
        // Each entity's mapping sits beside it, in its feature folder.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(IdentityDbContext).Assembly);
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
