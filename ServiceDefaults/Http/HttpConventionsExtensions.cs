using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Http;

namespace Microsoft.Extensions.Hosting;

public static class HttpConventionsExtensions
{
    /// <summary>
    /// The platform's HTTP conventions (docs/conventions.md): camelCase JSON with lower-case enum strings,
    /// every error a ProblemDetails with a stable <c>code</c>, malformed input a 400 that names the problem.
    /// </summary>
    public static TBuilder AddHttpConventions<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            o.SerializerOptions.Converters.Add(new UtcDateTimeOffsetConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions.TryAdd("code", Problems.DefaultCode(ctx.ProblemDetails.Status ?? ctx.HttpContext.Response.StatusCode));
            ctx.ProblemDetails.Extensions.TryAdd("traceId", ctx.HttpContext.TraceIdentifier);
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        // Binding failures throw, so the exception handler can answer a 400 that says what was wrong.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddSingleton<ApiRequestMetrics>();
        builder.Services.AddTransient<IStartupFilter, DomainAckStartupFilter>();
        return builder;
    }

    public static WebApplication UseHttpConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        // The gateway turns this off: its routes are catch-alls, and each service counts by its own route patterns.
        if (app.Configuration.GetValue("ApiRequestMetrics:Enabled", true))
        {
            app.UseMiddleware<ApiRequestMetricsMiddleware>();
        }
        // WebApplication would put routing, authentication and authorization before everything above. Inside, their
        // refusals (401/403) are counted too, and a failure in them is a ProblemDetails like any other.
        app.UseRouting();
        // After routing, so that endpoints which write every error themselves ([SkipStatusCodePages]: the gateway's
        // proxied routes) skip this layer altogether rather than pass through it. Refusals below still get a body.
        app.UseWhen(static context => context.GetEndpoint()?.Metadata.GetMetadata<ISkipStatusCodePagesMetadata>() is null,
            static branch => branch.UseStatusCodePages());
        if (app.Services.GetService<IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
        }
        if (app.Services.GetService<IAuthorizationHandlerProvider>() is not null)
        {
            app.UseAuthorization();
        }
        return app;
    }
}
