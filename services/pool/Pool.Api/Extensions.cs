using Microsoft.Extensions.Http.Resilience;
using Pool.Api.Data;
using Pool.Api.Mothers;
using Pool.Api.Plans;
using Pool.Api.Relay;
using Pool.Api.Seats;
using Pool.Api.Sync;
using Pool.Api.Upstream;

namespace Pool.Api;

internal static class Extensions
{
    /// <summary>Everything the pool service depends on: its database, cache, locks, messaging, job queue and the upstream.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDbContext<PoolDbContext>("pooldb");
        builder.Services.AddMigration<PoolDbContext>();
        builder.AddDataProtectionKeys<PoolDbContext>();
        builder.AddCaching("cache");
        builder.AddDistributedLocks("pooldb");
        builder.AddInternalAuthentication();
        builder.AddMessaging<PoolDbContext>("messaging", bus =>
        {
            bus.AddConsumer<RedeemCodeRedeemedConsumer>();
            bus.AddConsumer<CancelSeatAllocationConsumer>();
            bus.AddConsumer<RelayPlanPurchasedConsumer>();
        });

        builder.Services.AddOptions<PoolOptions>().BindConfiguration(PoolOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PoolMetrics>();
        builder.Services.AddSingleton<MotherTokens>();

        builder.AddJobs<PoolDbContext>("pool");
        builder.Services.AddJobHandler<SyncMotherHandler>(SyncMotherHandler.JobType);
        builder.Services.AddJobHandler<BulkAddMothersHandler>(BulkAddMothersHandler.JobType);
        builder.Services.AddScoped<TemplateInvites>();
        builder.Services.AddJobHandler<SeatAllocationHandler>(SeatAllocationHandler.JobType);
        builder.Services.AddJobHandler<SeatReleaseHandler>(SeatReleaseHandler.JobType);

        builder.AddUpstream();
        builder.AddRelay();
    }

    /// <summary>Relay scheduling (docs/relay.md): accounts, slots, usage, and the upstream client it streams through.</summary>
    private static void AddRelay(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RelayOptions>().BindConfiguration(RelayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RelaySlots>();
        builder.Services.AddSingleton<AccountCheck>();
        builder.Services.AddSingleton<UsageRecorder>();
        builder.Services.AddScoped<UsageQueries>();
        builder.Services.AddScoped<AccountScheduler>();
        builder.Services.AddScoped<RelayForwarder>();
        builder.Services.AddSingleton<RelayPlanStore>();
        builder.Services.AddScoped<RelayEntitlement>();
        builder.Services.AddHostedService<RelayJanitor>();
        // Responses stream for minutes and failover is the forwarder's own (another account), so no timeout or retry here.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out.
        // No redirects followed on the client's behalf: the answer goes back as the upstream gave it. (No client
        // keeps cookies: ServiceDefaults turns the jar off for all.)
        builder.Services.AddHttpClient(RelayForwarder.ClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler((handler, _) =>
            {
                if (handler is SocketsHttpHandler sockets) sockets.AllowAutoRedirect = false;
                else if (handler is HttpClientHandler client) client.AllowAutoRedirect = false;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }

    /// <summary>The upstream team API: over HTTP to <c>Upstream:BaseUrl</c>, or the in-memory simulator.</summary>
    private static void AddUpstream(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(UpstreamOptions.Section);
        var upstream = section.Get<UpstreamOptions>() ?? new UpstreamOptions();
        switch (upstream.Mode)
        {
            case "simulator":
                builder.Services.AddSingleton<IUpstreamTeamClient, UpstreamSimulator>();
                break;
            case "http":
                var baseUrl = upstream.BaseUrl ?? throw new InvalidOperationException(
                    "Upstream:BaseUrl is required when Upstream:Mode is http (set Upstream:Mode=simulator for development).");
                builder.Services.AddHttpClient<IUpstreamTeamClient, HttpUpstreamTeamClient>(http =>
                    http.BaseAddress = new Uri(baseUrl.ToString().TrimEnd('/') + "/"));
                // The standard handler's retry delay (2 s, doubling) suits the real API; tests shorten it. The upstream
                // client is pool's only outgoing HTTP client, so this applies to every standard handler here.
                if (section.GetValue<int?>("RetryDelayMilliseconds") is { } delay)
                {
                    builder.Services.ConfigureAll<HttpStandardResilienceOptions>(o => o.Retry.Delay = TimeSpan.FromMilliseconds(delay));
                }
                break;
            default:
                throw new InvalidOperationException($"Upstream:Mode must be http or simulator, not '{upstream.Mode}'.");
        }
    }
}
