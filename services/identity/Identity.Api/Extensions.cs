using Identity.Api.Data;

namespace Identity.Api;

internal static class Extensions
{
    /// <summary>Everything the identity service depends on: its database, cache and messaging.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<IdentityDbContext>("identitydb");
        builder.Services.AddMigration<IdentityDbContext>();
        builder.AddDataProtectionKeys<IdentityDbContext>();
        builder.AddCaching("cache");
        builder.AddMessaging<IdentityDbContext>("messaging");
    }
}
