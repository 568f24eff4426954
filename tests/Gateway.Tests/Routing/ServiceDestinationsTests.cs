extern alias gateway;

using gateway::Gateway.Routing;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Routing;

/// <summary>Where the gateway's clusters point, from the AppHost's <c>services__*</c> variables.</summary>
public sealed class ServiceDestinationsTests
{
    [Fact]
    public void A_service_that_serves_h2c_is_proxied_to_over_HTTP2_with_prior_knowledge_and_relay_follows_pool()
    {
        var configuration = Configure(new()
        {
            ["services:pool:http:0"] = "http://127.0.0.1:5103",
            ["services:pool:h2c:0"] = "http://127.0.0.1:6103",
        });

        foreach (var cluster in new[] { "pool", "relay" })
        {
            var section = configuration.GetSection($"ReverseProxy:Clusters:{cluster}");
            Assert.Equal("http://127.0.0.1:6103", section["Destinations:primary:Address"]);
            Assert.Equal("2", section["HttpRequest:Version"]);
            Assert.Equal("RequestVersionExact", section["HttpRequest:VersionPolicy"]);
            Assert.Equal("true", section["HttpClient:EnableMultipleHttp2Connections"]);
        }
        // Health and status calls keep the HTTP/1.1 address.
        Assert.Equal("http://127.0.0.1:5103", ServiceDestinations.ServiceAddress(configuration, "pool"));
    }

    [Fact]
    public void A_service_without_h2c_is_proxied_to_over_HTTP1_and_an_unnamed_one_keeps_its_configured_address()
    {
        var configuration = Configure(new()
        {
            ["services:users:http:0"] = "http://127.0.0.1:5102",
            ["ReverseProxy:Clusters:promo:Destinations:primary:Address"] = "http://promo.internal:80",
        });

        var users = configuration.GetSection("ReverseProxy:Clusters:users");
        Assert.Equal("http://127.0.0.1:5102", users["Destinations:primary:Address"]);
        Assert.Null(users["HttpRequest:Version"]);
        Assert.Equal("http://promo.internal:80", configuration["ReverseProxy:Clusters:promo:Destinations:primary:Address"]);
        Assert.Null(ServiceDestinations.ServiceAddress(configuration, "promo"));
    }

    [Fact]
    public void Each_instance_of_a_service_is_a_destination_probed_for_health_and_one_instance_is_not_probed()
    {
        var configuration = Configure(new()
        {
            ["services:identity:http:0"] = "http://127.0.0.1:5101",
            ["services:identity:h2c:0"] = "http://127.0.0.1:6101",
            ["services:identity:http:1"] = "http://127.0.0.1:5111",
            ["services:identity:h2c:1"] = "http://127.0.0.1:6111",
            ["services:users:http:0"] = "http://127.0.0.1:5102",
        });

        var identity = configuration.GetSection("ReverseProxy:Clusters:identity");
        Assert.Equal(["http://127.0.0.1:6101", "http://127.0.0.1:6111"],
            identity.GetSection("Destinations").GetChildren().Select(d => d["Address"]).Order());
        Assert.Equal("true", identity["HealthCheck:Active:Enabled"]);
        Assert.Equal("/health", identity["HealthCheck:Active:Path"]);
        Assert.Equal("HealthyOrPanic", identity["HealthCheck:AvailableDestinationsPolicy"]);
        Assert.Equal(["http://127.0.0.1:5101", "http://127.0.0.1:5111"], ServiceDestinations.InstanceAddresses(configuration, "identity"));
        // One instance has nowhere else to go: no probes that could only turn its answers into the gateway's 503.
        Assert.Null(configuration["ReverseProxy:Clusters:users:HealthCheck:Active:Enabled"]);
    }

    private static ConfigurationManager Configure(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(settings);
        configuration.AddServiceDestinations(["identity", "users", "pool", "promo"]);
        return configuration;
    }
}
