using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Platform.ServiceDefaults.Http;

/// <summary><c>admin_api_requests_total{path,method,domain,status}</c>, labelled by route pattern, not raw path.</summary>
public sealed class ApiRequestMetrics
{
    public const string MeterName = "Platform.Api";

    /// <summary>
    /// The platform's service domains, each counted as itself. The header comes from clients, so anything else
    /// (or none) is counted as <c>unknown</c>: the label has a fixed set of values whatever clients send.
    /// </summary>
    private static readonly string[] KnownDomains = ["identity", "users", "pool", "promo"];

    private readonly Counter<long> _requests;

    public ApiRequestMetrics(IMeterFactory meters)
    {
        _requests = meters.Create(MeterName).CreateCounter<long>(
            "admin_api_requests", description: "API requests by route pattern, method, X-Domain and status.");
    }

    public void Record(string routePattern, string method, string? domainHeader, int status) =>
        _requests.Add(1,
            new("path", routePattern),
            new("method", method),
            new("domain", Domain(domainHeader)),
            new("status", status));

    private static string Domain(string? header)
    {
        foreach (var known in KnownDomains)
        {
            if (string.Equals(header, known, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }
        return "unknown";
    }
}

internal sealed class ApiRequestMetricsMiddleware(RequestDelegate next, ApiRequestMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        finally
        {
            if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern } && pattern.StartsWith("/api/", StringComparison.Ordinal))
            {
                metrics.Record(pattern, context.Request.Method, context.Request.Headers["X-Domain"], context.Response.StatusCode);
            }
        }
    }
}
