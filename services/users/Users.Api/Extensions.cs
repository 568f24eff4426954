using Users.Api.Data;

namespace Users.Api;

internal static class Extensions
{
    /// <summary>Everything the users service depends on: its database, cache and messaging.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<UsersDbContext>("usersdb");
        builder.Services.AddMigration<UsersDbContext>();
        builder.AddDataProtectionKeys<UsersDbContext>();
        builder.AddCaching("cache");
        builder.AddInternalAuthentication();
        builder.AddMessaging<UsersDbContext>("messaging");
    }
}
