using OpenTelemetry.Metrics;

namespace Gateway.Telemetry;

public static class GatewayTelemetry
{
    /// <summary>
    /// Per-request instruments that cost the proxy path more than they tell: every proxied request would update each
    /// of them. Kept: request durations (server and upstream), connections, the memory pool's growth and our own counters
    /// (rate-limit refusals).
    /// </summary>
    private static readonly string[] Dropped =
    [
        "aspnetcore.routing.match_attempts",
        "http.server.active_requests",
        "http.client.active_requests",
        "http.client.request.time_in_queue",
        // Kestrel's memory pool counts every block rented and returned, several per request; what it allocates and
        // evicts (rare) is kept.
        "aspnetcore.memory_pool.rented",
        "aspnetcore.memory_pool.pooled",
    ];

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services) =>
        services.ConfigureOpenTelemetryMeterProvider(metrics =>
        {
            foreach (var instrument in Dropped)
            {
                metrics.AddView(instrument, MetricStreamConfiguration.Drop);
            }
        });
}
