using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Caching;

namespace Microsoft.Extensions.Hosting;

public static class HealthExtensions
{
    /// <summary>Tag of the checks <c>/alive</c> runs: only "the process answers".</summary>
    public const string LiveTag = "live";

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// <c>/health</c> runs every check (own database down: 503; cache or broker down: Degraded, still 200);
    /// <c>/alive</c> only says the process answers. Both are anonymous and mapped in every environment.
    /// </summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthJson }).AllowAnonymous();
        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(LiveTag),
            ResponseWriter = WriteHealthJson,
        }).AllowAnonymous();
        return app;
    }

    private static readonly JsonSerializerOptions HealthJson = new(JsonSerializerDefaults.Web);

    private static Task WriteHealthJson(HttpContext context, HealthReport report)
    {
        var service = context.RequestServices.GetRequiredService<ServiceIdentity>();
        var body = new HealthResponse(
            service.Name,
            report.Status.ToString(),
            Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            report.Entries.TryGetValue(CacheHealthCheck.Name, out var cache) ? CacheHealthCheck.Describe(cache) : null,
            report.Entries.ToDictionary(
                e => e.Key,
                e => new HealthEntry(
                    e.Value.Status.ToString(),
                    e.Value.Description ?? e.Value.Exception?.Message,
                    Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    e.Value.Data.Count > 0 ? e.Value.Data : null)));
        return context.Response.WriteAsJsonAsync(body, HealthJson);
    }

    private sealed record HealthResponse(
        string Service, string Status, double DurationMs, CacheState? Cache, Dictionary<string, HealthEntry> Checks);

    private sealed record HealthEntry(
        string Status, string? Description, double DurationMs, IReadOnlyDictionary<string, object>? Data);
}
