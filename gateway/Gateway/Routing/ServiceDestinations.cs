namespace Gateway.Routing;

internal static class ServiceDestinations
{
    /// <summary>Clusters not named after the service they reach: relay traffic goes to pool's scheduler.</summary>
    private static readonly (string Cluster, string Service)[] SharedClusters = [("relay", "pool")];

    /// <summary>
    /// Fills each cluster's destination from <c>services__{name}__http__0</c>, the variable the AppHost sets,
    /// since YARP's service-discovery resolver is not available to us. A cluster without one keeps its
    /// address from <c>ReverseProxy</c> configuration.
    /// </summary>
    public static IConfigurationBuilder AddServiceDestinations(this IConfigurationManager configuration, IEnumerable<string> services)
    {
        var destinations = new Dictionary<string, string?>();
        var clusters = services.Select(s => (Cluster: s, Service: s)).Concat(SharedClusters);
        foreach (var (cluster, service) in clusters)
        {
            if (ServiceAddress(configuration, service) is { } address)
            {
                destinations[$"ReverseProxy:Clusters:{cluster}:Destinations:primary:Address"] = address;
            }
        }
        return configuration.AddInMemoryCollection(destinations);
    }

    public static string? ServiceAddress(IConfiguration configuration, string service) =>
        configuration[$"services:{service}:http:0"] is { Length: > 0 } address ? address : null;
}
