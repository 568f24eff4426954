using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Platform.ServiceDefaults.Http;

/// <summary>
/// Admin writes name the domain they mean (<c>X-Domain: users</c> or <c>pool</c>), so a console pointed at the
/// wrong service cannot change it by accident. Missing, unknown or wrong is 400 <c>domain_mismatch</c>. Every
/// answer of a guarded endpoint carries <c>X-Domain-Ack</c> naming the endpoint's domain: on a refusal it tells the
/// client which header was expected. The check runs after authorization, so 401/403 come first (acknowledged too).
/// </summary>
public static class DomainFilter
{
    public const string Header = "X-Domain";
    public const string AckHeader = "X-Domain-Ack";

    /// <summary>Endpoint metadata: the domain whose <c>X-Domain</c> an endpoint requires.</summary>
    public sealed record RequiredDomain(string Domain);

    public static TBuilder RequireDomain<TBuilder>(this TBuilder builder, string domain) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredDomain(domain)).AddEndpointFilter(async (context, next) =>
            Refusal(context.HttpContext) ?? await next(context));

    /// <summary>The 400 <c>domain_mismatch</c> when the endpoint requires a domain the request does not name; else null.</summary>
    public static ProblemHttpResult? Refusal(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiredDomain>() is not { Domain: var domain })
        {
            return null;
        }
        var sent = http.Request.Headers[Header].ToString();
        return string.Equals(sent, domain, StringComparison.OrdinalIgnoreCase) ? null
            : Problems.BadRequest("domain_mismatch",
                sent.Length == 0 ? $"Admin writes need the header {Header}: {domain}." : $"{Header} is '{sent}', but this is the {domain} domain.");
    }
}

/// <summary>
/// Adds <c>X-Domain-Ack</c> as the response of a guarded endpoint starts, whoever wrote it: the handler, the domain
/// filter, authorization's 401/403, or the exception handler (which clears headers and the endpoint, and keeps the
/// endpoint on its feature). An app without guarded endpoints (the gateway) skips it: the callback it would register
/// on every request costs the response an extra asynchronous step.
/// </summary>
internal sealed class DomainAckMiddleware(RequestDelegate next, EndpointDataSource endpoints)
{
    // Asked at the first request, when every endpoint is mapped; none is added later with a required domain.
    private readonly Lazy<bool> _anyGuarded = new(() =>
        endpoints.Endpoints.Any(e => e.Metadata.GetMetadata<DomainFilter.RequiredDomain>() is not null));

    public Task InvokeAsync(HttpContext context)
    {
        if (_anyGuarded.Value)
        {
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var endpoint = http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
                if (endpoint?.Metadata.GetMetadata<DomainFilter.RequiredDomain>() is { } required)
                {
                    http.Response.Headers[DomainFilter.AckHeader] = required.Domain;
                }
                return Task.CompletedTask;
            }, context);
        }
        return next(context);
    }
}

/// <summary>
/// Puts <see cref="DomainAckMiddleware"/> ahead of the whole pipeline: the authentication and authorization that
/// WebApplication adds on its own run before any middleware a service adds, and their 401/403 need the header too.
/// </summary>
internal sealed class DomainAckStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<DomainAckMiddleware>();
        next(app);
    };
}
