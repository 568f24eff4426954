using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Identity.Tests;

/// <summary>
/// A probe listens as the AppHost's services do: HTTP/1.1 on one port and HTTP/2 with prior knowledge (h2c) on
/// another, which the gateway proxies over.
/// </summary>
internal static class ProbeEndpoints
{
    public static void ListenLikeAService(this WebApplicationBuilder builder) =>
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });

    /// <summary>The started app's HTTP/1.1 and h2c addresses, in the order they were declared.</summary>
    public static (Uri Http, Uri H2c) Addresses(this WebApplication app) =>
        (new Uri(app.Urls.ElementAt(0)), new Uri(app.Urls.ElementAt(1)));
}
