using OpenTelemetry.Metrics;

namespace Gateway.Telemetry;

public static class GatewayTelemetry
{
    /// <summary>
    /// Per-request instruments that cost the proxy path more than they tell: every proxied request would update each
    /// of them. Kept: request durations (server and upstream), rate-limit outcomes, connections and our own counters.
    /// </summary>
    private static readonly string[] Dropped =
    [
        "aspnetcore.routing.match_attempts",
        "http.server.active_requests",
        "http.client.active_requests",
        "http.client.request.time_in_queue",
        "aspnetcore.rate_limiting.request_lease.duration",
        "aspnetcore.rate_limiting.active_request_leases",
        "aspnetcore.rate_limiting.request.time_in_queue",
        "aspnetcore.rate_limiting.queued_requests",
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
