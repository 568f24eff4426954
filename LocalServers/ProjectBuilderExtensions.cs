using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

namespace Platform.LocalServers;

public static class ProjectBuilderExtensions
{
    /// <summary>
    /// What every project of the platform gets: the AppHost's environment name (the orchestrator passes none on; a
    /// published model is Production unless another name than Development is asked for), and at most a second of
    /// waiting at shutdown for telemetry still queued (to a dashboard that may be gone already).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPlatformDefaults(this IResourceBuilder<ProjectResource> project, IHostEnvironment environment) =>
        project.WithEnvironment("ASPNETCORE_ENVIRONMENT",
                   environment.IsDevelopment() && project.ApplicationBuilder.ExecutionContext.IsPublishMode ? Environments.Production : environment.EnvironmentName)
               .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "1000");

    /// <summary>
    /// Healthy once its <c>/health</c> answers 200 (Healthy or Degraded: its own database is reachable), so that
    /// <c>WaitFor</c> waits for a working service rather than a started process.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceHealthCheck(this IResourceBuilder<ProjectResource> project) =>
        project.WithHttpHealthCheck("/health", endpointName: "http");

    /// <summary>
    /// The project's HTTP endpoint on its own loopback socket (no proxy hop), <paramref name="port"/> or a free one.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLoopbackHttpEndpoint(this IResourceBuilder<ProjectResource> project, int? port)
    {
        var http = project.WithEndpoint("http", e =>
        {
            e.UriScheme = "http";
            e.Port = port;
            e.IsProxied = false;
            e.TargetHost = "127.0.0.1";
        }).GetEndpoint("http");
        return project.WithKestrelEndpoint("http", ReferenceExpression.Create($"http://127.0.0.1:{http.Property(EndpointProperty.TargetPort)}"));
    }

    /// <summary>
    /// A second endpoint speaking HTTP/2 with prior knowledge (h2c), for the gateway. Kestrel has no ALPN on cleartext,
    /// so h2c needs a port of its own; dependants get <c>services__{name}__h2c__0</c> beside <c>services__{name}__http__0</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithH2cEndpoint(this IResourceBuilder<ProjectResource> project, int? port)
    {
        var h2c = project.WithEndpoint("h2c", e =>
        {
            e.UriScheme = "http";
            e.Transport = "http2";
            e.Port = port;
            e.IsProxied = false;
            e.TargetHost = "127.0.0.1";
        }).GetEndpoint("h2c");
        return project.WithKestrelEndpoint("h2c", ReferenceExpression.Create($"http://127.0.0.1:{h2c.Property(EndpointProperty.TargetPort)}"))
                      .WithEnvironment("Kestrel__Endpoints__h2c__Protocols", "Http2");
    }

    // Named Kestrel endpoints are the only way to make one port HTTP/2 only; they replace ASPNETCORE_URLS, which is
    // removed so that Kestrel does not warn about overriding it.
    private static IResourceBuilder<ProjectResource> WithKestrelEndpoint(this IResourceBuilder<ProjectResource> project, string name, ReferenceExpression url) =>
        project.WithEnvironment(context =>
        {
            context.EnvironmentVariables[$"Kestrel__Endpoints__{name}__Url"] = url;
            context.EnvironmentVariables.Remove("ASPNETCORE_URLS");
        });

    /// <summary>
    /// The gateway's view of a service run as several instances: <c>services__{name}__http__{i}</c> and
    /// <c>services__{name}__h2c__{i}</c> for each (what <c>WithReference</c> gives for one). It does not wait for
    /// them: the gateway's own health is the services' (Unhealthy while any service has no working instance).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceInstances(this IResourceBuilder<ProjectResource> project,
        string service, IReadOnlyList<IResourceBuilder<ProjectResource>> instances)
    {
        for (var i = 0; i < instances.Count; i++)
        {
            foreach (var endpoint in instances[i].Resource.Annotations.OfType<EndpointAnnotation>())
            {
                project.WithEnvironment($"services__{service}__{endpoint.Name}__{i}", instances[i].GetEndpoint(endpoint.Name));
            }
        }
        return project;
    }
}
