using Pool.Api.Data;

namespace Pool.Api;

internal static class Extensions
{
    /// <summary>Everything the pool service depends on: its database, cache and messaging.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<PoolDbContext>("pooldb");
        builder.Services.AddMigration<PoolDbContext>();
        builder.AddDataProtectionKeys<PoolDbContext>();
        builder.AddCaching("cache");
        builder.AddInternalAuthentication();
        builder.AddMessaging<PoolDbContext>("messaging");
    }
}
