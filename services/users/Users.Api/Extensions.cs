using Users.Api.BulkStatus;
using Users.Api.Data;
using Users.Api.Profiles;
using Users.Api.Redemptions;

namespace Users.Api;

internal static class Extensions
{
    /// <summary>Everything the users service depends on: its database, cache, messaging, job queue and the redemption saga.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDbContext<UsersDbContext>("usersdb");
        builder.Services.AddMigration<UsersDbContext>();
        builder.AddDataProtectionKeys<UsersDbContext>();
        builder.AddCaching("cache");
        builder.AddInternalAuthentication();
        builder.AddMessaging<UsersDbContext>("messaging", bus =>
        {
            bus.AddConsumer<UserRegisteredConsumer>();
            bus.AddConsumer<SeatAllocatedConsumer>();
            bus.AddConsumer<SeatAllocationFailedConsumer>();
            bus.AddConsumer<SeatAllocationCancelledConsumer>();
        });

        builder.Services.AddOptions<RedemptionOptions>().BindConfiguration("Redemptions");
        builder.Services.AddSingleton<RedemptionTimeouts>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedemptionTimeouts>());

        builder.AddJobs<UsersDbContext>("users");
        builder.Services.AddOptions<BulkStatusOptions>().BindConfiguration(BulkStatusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddJobHandler<BulkDisableHandler>(BulkStatusHandler.DisableType);
        builder.Services.AddJobHandler<BulkEnableHandler>(BulkStatusHandler.EnableType);
    }
}
