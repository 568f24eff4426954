using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

public static class TelemetryExtensions
{
    /// <summary>Meters and activity sources of our own code start with this prefix.</summary>
    public const string PlatformSourcePrefix = "Platform.";

    /// <summary>
    /// Traces, metrics and logs for ASP.NET Core, HttpClient and MassTransit (the database and Redis integrations add
    /// their own). Metrics are scraped at
    /// <c>/metrics</c>; everything is also exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? ServiceIdentity.From(builder).Name;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(PlatformSourcePrefix + "*", "MassTransit")
                .AddPrometheusExporter());

        if (builder.ExportsTraces())
        {
            otel.WithTracing(tracing => tracing
                    .AddSource(builder.Environment.ApplicationName, PlatformSourcePrefix + "*", "MassTransit")
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsInfrastructurePath(context.Request.Path))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Spans are recorded only when there is somewhere to send them: recording every request's spans just to drop them
    /// costs the gateway a large share of its throughput. Trace context flows either way.
    /// </summary>
    public static bool ExportsTraces(this IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>Probes and scrapes are not worth a trace each.</summary>
    internal static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/metrics");
}
