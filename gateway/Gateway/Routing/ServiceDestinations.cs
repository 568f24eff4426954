namespace Gateway.Routing;

public static class ServiceDestinations
{
    /// <summary>Clusters not named after the service they reach: relay traffic goes to pool's scheduler.</summary>
    private static readonly (string Cluster, string Service)[] SharedClusters = [("relay", "pool")];

    /// <summary>
    /// Fills each cluster's destination from the variables the AppHost sets, since YARP's service-discovery resolver
    /// is not available to us: <c>services__{name}__h2c__0</c> when the service serves HTTP/2 with prior knowledge,
    /// else <c>services__{name}__http__0</c>. Over h2c all requests to a service share a few connections, which
    /// halves what the service spends per request (bench/gateway). A cluster with neither keeps its configuration.
    /// </summary>
    public static IConfigurationBuilder AddServiceDestinations(this IConfigurationManager configuration, IEnumerable<string> services)
    {
        var settings = new Dictionary<string, string?>();
        var clusters = services.Select(s => (Cluster: s, Service: s)).Concat(SharedClusters);
        foreach (var (cluster, service) in clusters)
        {
            var section = $"ReverseProxy:Clusters:{cluster}";
            if (configuration[$"services:{service}:h2c:0"] is { Length: > 0 } h2c)
            {
                settings[$"{section}:Destinations:primary:Address"] = h2c;
                settings[$"{section}:HttpRequest:Version"] = "2";
                // Cleartext has no ALPN: HTTP/2 must be spoken from the first byte, never negotiated down.
                settings[$"{section}:HttpRequest:VersionPolicy"] = nameof(HttpVersionPolicy.RequestVersionExact);
                // Past the service's 100 streams per connection (long relay streams, say) open another connection.
                settings[$"{section}:HttpClient:EnableMultipleHttp2Connections"] = "true";
            }
            else if (ServiceAddress(configuration, service) is { } address)
            {
                settings[$"{section}:Destinations:primary:Address"] = address;
            }
        }
        return configuration.AddInMemoryCollection(settings);
    }

    /// <summary>The service's HTTP/1.1 address, for health and status calls.</summary>
    public static string? ServiceAddress(IConfiguration configuration, string service) =>
        configuration[$"services:{service}:http:0"] is { Length: > 0 } address ? address : null;
}
