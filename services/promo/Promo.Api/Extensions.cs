using Promo.Api.Data;

namespace Promo.Api;

internal static class Extensions
{
    /// <summary>Everything the promo service depends on: its database, cache and messaging.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<PromoDbContext>("promodb");
        builder.Services.AddMigration<PromoDbContext>();
        builder.AddDataProtectionKeys<PromoDbContext>();
        builder.AddCaching("cache");
        builder.AddInternalAuthentication();
        builder.AddMessaging<PromoDbContext>("messaging");
    }
}
