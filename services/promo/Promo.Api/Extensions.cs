using Promo.Api.Data;
using Promo.Api.Orders;

namespace Promo.Api;

internal static class Extensions
{
    /// <summary>Everything the promo service depends on: its database, cache, messaging, and the order sweeper.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDbContext<PromoDbContext>("promodb");
        builder.Services.AddMigration<PromoDbContext>();
        builder.AddDataProtectionKeys<PromoDbContext>();
        builder.AddCaching("cache");
        builder.AddInternalAuthentication();
        builder.AddMessaging<PromoDbContext>("messaging");

        builder.Services.AddOptions<PromoOptions>().BindConfiguration(PromoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<OrderPlacement>();
        builder.Services.AddHostedService<OrderSweeper>();
    }
}
