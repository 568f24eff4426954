namespace Gateway.Routing;

public static class ServiceDestinations
{
    /// <summary>Clusters not named after the service they reach: relay traffic goes to pool's scheduler.</summary>
    private static readonly (string Cluster, string Service)[] SharedClusters = [("relay", "pool")];

    /// <summary>
    /// Fills each cluster's destinations from the variables the AppHost sets, since YARP's service-discovery resolver
    /// is not available to us: <c>services__{name}__h2c__{i}</c> when the service serves HTTP/2 with prior knowledge,
    /// else <c>services__{name}__http__{i}</c>, one destination per instance. Over h2c all requests to a service share
    /// a few connections, which cuts what the service spends per request (bench/RESULTS.md). A cluster with neither
    /// keeps its configuration.
    /// </summary>
    public static IConfigurationBuilder AddServiceDestinations(this IConfigurationManager configuration, IEnumerable<string> services)
    {
        var settings = new Dictionary<string, string?>();
        var clusters = services.Select(s => (Cluster: s, Service: s)).Concat(SharedClusters);
        foreach (var (cluster, service) in clusters)
        {
            var section = $"ReverseProxy:Clusters:{cluster}";
            var h2c = Addresses(configuration, service, "h2c");
            var addresses = h2c.Count > 0 ? h2c : InstanceAddresses(configuration, service);
            for (var i = 0; i < addresses.Count; i++)
            {
                settings[$"{section}:Destinations:{DestinationName(i)}:Address"] = addresses[i];
            }
            if (h2c.Count > 0)
            {
                settings[$"{section}:HttpRequest:Version"] = "2";
                // Cleartext has no ALPN: HTTP/2 must be spoken from the first byte, never negotiated down.
                settings[$"{section}:HttpRequest:VersionPolicy"] = nameof(HttpVersionPolicy.RequestVersionExact);
                // Past the service's 100 streams per connection (long relay streams, say) open another connection.
                settings[$"{section}:HttpClient:EnableMultipleHttp2Connections"] = "true";
            }
            if (addresses.Count > 1)
            {
                // Several instances: probe each one's /health and send only to those that answer. When none does (their
                // database is down, say) all stay in use, so clients get the service's own 503 with Retry-After.
                settings[$"{section}:HealthCheck:Active:Enabled"] = "true";
                settings[$"{section}:HealthCheck:Active:Interval"] = "00:00:02";
                settings[$"{section}:HealthCheck:Active:Timeout"] = "00:00:02";
                settings[$"{section}:HealthCheck:Active:Policy"] = "ConsecutiveFailures";
                settings[$"{section}:HealthCheck:Active:Path"] = "/health";
                settings[$"{section}:HealthCheck:AvailableDestinationsPolicy"] = "HealthyOrPanic";
                settings[$"{section}:Metadata:ConsecutiveFailuresHealthPolicy.Threshold"] = "2";
            }
        }
        return configuration.AddInMemoryCollection(settings);
    }

    /// <summary>The first instance keeps the name a single-instance configuration gives its one destination.</summary>
    private static string DestinationName(int instance) => instance == 0 ? "primary" : $"instance-{instance}";

    /// <summary>Each instance's HTTP/1.1 address, for health and status calls.</summary>
    public static IReadOnlyList<string> InstanceAddresses(IConfiguration configuration, string service) =>
        Addresses(configuration, service, "http");

    /// <summary>The first instance's HTTP/1.1 address.</summary>
    public static string? ServiceAddress(IConfiguration configuration, string service) =>
        InstanceAddresses(configuration, service) is [var first, ..] ? first : null;

    private static List<string> Addresses(IConfiguration configuration, string service, string endpoint) =>
        [.. configuration.GetSection($"services:{service}:{endpoint}").GetChildren()
            .Where(c => int.TryParse(c.Key, out _) && c.Value is { Length: > 0 })
            .OrderBy(c => int.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture))
            .Select(c => c.Value!)];
}
