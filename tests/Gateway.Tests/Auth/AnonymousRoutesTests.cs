extern alias gateway;

using gateway::Gateway.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Auth;

/// <summary>How <c>Gateway:AnonymousRoutes</c> entries match a request's method and path.</summary>
public sealed class AnonymousRoutesTests
{
    private static readonly AnonymousRoutes Routes = new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Gateway:AnonymousRoutes:0"] = "POST /api/identity/codes",
        ["Gateway:AnonymousRoutes:1"] = "GET /api/promo/products/**",
        ["Gateway:AnonymousRoutes:2"] = "GET /api/*/openapi/v1.json",
        ["Gateway:AnonymousRoutes:3"] = "* /api/public/ping",
    }).Build());

    [Theory]
    [InlineData("POST", "/api/identity/codes", true)]
    [InlineData("post", "/API/identity/codes/", true)]
    [InlineData("GET", "/api/identity/codes", false)]
    [InlineData("POST", "/api/identity/codes/extra", false)]
    [InlineData("POST", "/api/identity/codesx", false)]
    [InlineData("GET", "/api/promo/products/42/reviews", true)]
    [InlineData("GET", "/api/promo/productsx", false)]
    [InlineData("GET", "/api/users/openapi/v1.json", true)]
    [InlineData("GET", "/api/users/me/openapi/v1.json", false)]
    [InlineData("GET", "/api/users/openapi/v1xjson", false)]
    [InlineData("DELETE", "/api/public/ping", true)]
    [InlineData("GET", "/api/users/me", false)]
    public void Entries_match_method_and_path_segments(string method, string path, bool anonymous) =>
        Assert.Equal(anonymous, Routes.Contains(method, new PathString(path)));

    [Fact]
    public void A_malformed_entry_stops_the_gateway_from_starting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:AnonymousRoutes:0"] = "/api/identity/codes",
        }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => new AnonymousRoutes(configuration));
        Assert.Contains("/api/identity/codes", error.Message, StringComparison.Ordinal);
    }
}
