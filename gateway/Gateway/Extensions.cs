using Gateway.Admin;
using Gateway.Auth;
using Gateway.Health;
using Gateway.RateLimiting;
using Gateway.Routing;
using Gateway.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.ServiceDefaults.Auth;

namespace Gateway;

internal static class Extensions
{
    /// <summary>The services behind the gateway, as named in <c>ReverseProxy:Clusters</c>.</summary>
    public static readonly string[] Services = ["identity", "users", "pool", "promo"];

    public static void AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddServiceDestinations(Services);
        builder.AddTrustedProxies();
        var issuer = builder.AddInternalTokenIssuer();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddTransforms(transforms => transforms.AddInternalToken(issuer).AddForwardingProblem());
        // YARP registers ASP.NET Core authorization for per-route policies, which the gateway does not use: its own
        // middleware decides every route. Without policy evaluation no AuthorizationMiddleware is added; here it did
        // nothing but cost each request an items dictionary and a state machine. (A route given an AuthorizationPolicy
        // would now fail loudly instead of being checked.) YARP still validates policy names with the policy provider.
        builder.Services.RemoveAll<IAuthorizationHandlerProvider>();
        builder.Services.RemoveAll<IAuthorizationService>();
        builder.Services.RemoveAll<IPolicyEvaluator>();
        builder.AddServiceHealthChecks(Services);
        builder.Services.AddGatewayTelemetry();

        builder.Services.AddSingleton<CallerCache>();
        builder.Services.AddSingleton<AnonymousRoutes>();
        builder.Services.AddSingleton<ServiceTokens>();
        builder.Services.AddHttpClient<IntrospectionClient>(http => http.BaseAddress = new("http://identity"));
        // A status page reports a slow or absent service; it does not retry it.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out.
        builder.Services.AddHttpClient(AdminEndpoints.ClientName, http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<GatewayRateLimits>();
        // Each instance hears every revocation on its own temporary queue.
        builder.AddMessaging("messaging", bus => bus.AddConsumer<RevocationConsumer>()
            .Endpoint(e =>
            {
                e.Name = "gateway-revocations";
                e.InstanceId = "-" + Guid.NewGuid().ToString("N")[..12];
                e.Temporary = true;
            }));
    }

    /// <summary>The gateway's private ES256 key (<c>InternalAuth:SigningKey</c>, PKCS#8 base64), injected by the AppHost.</summary>
    private static InternalTokenIssuer AddInternalTokenIssuer(this IHostApplicationBuilder builder)
    {
        var key = builder.Configuration["InternalAuth:SigningKey"];
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new InvalidOperationException("InternalAuth:SigningKey (the gateway's ES256 private key, PKCS#8 base64) is not configured; the AppHost injects it.");
        }
        var issuer = InternalTokenIssuer.FromBase64(key, TimeProvider.System);
        builder.Services.AddSingleton(issuer);
        return issuer;
    }

    /// <summary>
    /// The proxied routes. They write their own errors (<see cref="ProxyErrors"/>) and skip status-code pages. Their
    /// pipeline is YARP's default without session affinity and passive health checks, which no cluster configures
    /// (the latter would wrap every proxied request in one more asynchronous layer).
    /// </summary>
    public static void MapGatewayProxy(this WebApplication app) =>
        app.MapReverseProxy(pipeline => pipeline.UseNoDestinationProblem().UseLoadBalancing())
            .WithMetadata(new SkipStatusCodePagesAttribute());

    /// <summary>Authentication and rate limits: one middleware, so a proxied request pays for one layer.</summary>
    public static WebApplication UseGatewayAuthentication(this WebApplication app)
    {
        app.UseMiddleware<GatewayAuthentication>();
        return app;
    }
}
