using Gateway.Health;
using Gateway.Routing;

namespace Gateway;

internal static class Extensions
{
    /// <summary>The services behind the gateway, as named in <c>ReverseProxy:Clusters</c>.</summary>
    public static readonly string[] Services = ["identity", "users", "pool", "promo"];

    public static void AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddServiceDestinations(Services);
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        builder.AddServiceHealthChecks(Services);
    }
}
