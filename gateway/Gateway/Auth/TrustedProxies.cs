using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Gateway.Auth;

/// <summary>
/// The <c>ForwardedHeaders</c> section: the load balancers or proxies in front of the gateway, whose
/// <c>X-Forwarded-For</c> names the real client. With none configured (the default) nothing is trusted and the
/// socket's peer is the client, as when the gateway faces the internet itself; ASP.NET Core's own default (trust
/// loopback) is not taken, since a client on the same host could then claim any address.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of single proxies (<c>10.0.0.5</c>).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of proxies in CIDR form (<c>10.0.0.0/8</c>).</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies, counted from the gateway, may each add an address.</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Any => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

public static class TrustedProxies
{
    /// <summary>Reads and checks the section at start: a value that is no address or network stops the gateway, naming it.</summary>
    public static void AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TrustedProxyOptions.Section).Get<TrustedProxyOptions>() ?? new TrustedProxyOptions();
        builder.Services.AddSingleton(options);
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            forwarded.ForwardLimit = options.ForwardLimit;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            for (var i = 0; i < options.KnownProxies.Length; i++)
            {
                forwarded.KnownProxies.Add(IPAddress.TryParse(options.KnownProxies[i], out var proxy) ? proxy
                    : throw Invalid($"KnownProxies:{i}", options.KnownProxies[i], "an IP address"));
            }
            for (var i = 0; i < options.KnownNetworks.Length; i++)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(options.KnownNetworks[i], out var network) ? network
                    : throw Invalid($"KnownNetworks:{i}", options.KnownNetworks[i], "a network in CIDR form such as 10.0.0.0/8"));
            }
        });
    }

    /// <summary>First in the pipeline, so every limit and the internal JWT's <c>client_ip</c> see the client; absent when nothing is trusted.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TrustedProxyOptions>().Any)
        {
            // Resolved now, so an invalid setting stops the start rather than the first request.
            _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
            app.UseForwardedHeaders();
        }
        return app;
    }

    private static InvalidOperationException Invalid(string key, string value, string expected) =>
        new($"{TrustedProxyOptions.Section}:{key} is '{value}', which is not {expected}.");
}
