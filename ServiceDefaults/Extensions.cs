using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every service shares, in Aspire's shape: <c>AddServiceDefaults()</c> on the builder,
/// <c>MapDefaultEndpoints()</c> on the app.
/// </summary>
public static class Extensions
{
    /// <summary>Telemetry, health and HTTP conventions, plus service discovery and resilience for outgoing calls.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddBasicServiceDefaults();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // A service's clients call on behalf of many users and accounts over pooled handlers: a cookie one answer
            // set must never ride along on someone else's request, so no client keeps a cookie jar.
            http.ConfigurePrimaryHttpMessageHandler((handler, _) =>
            {
                if (handler is SocketsHttpHandler sockets) sockets.UseCookies = false;
                else if (handler is HttpClientHandler client) client.UseCookies = false;
            });
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>Telemetry, health and HTTP conventions only (no outgoing-call policies).</summary>
    public static TBuilder AddBasicServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(ServiceIdentity.From(builder));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddHttpConventions();
        builder.Services.AddDefaultOpenApi();
        return builder;
    }

    /// <summary>Error handling, request metrics, <c>/health</c>, <c>/alive</c>, <c>/metrics</c> and the OpenAPI document.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseHttpConventions();
        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapDefaultOpenApi();
        app.MapInternalEndpoints();
        return app;
    }
}
