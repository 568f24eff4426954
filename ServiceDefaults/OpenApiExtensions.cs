using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

public static class OpenApiExtensions
{
    /// <summary>The OpenAPI documents, kept by ASP.NET Core's output cache once generated.</summary>
    public static IServiceCollection AddDefaultOpenApi(this IServiceCollection services) =>
        services.AddOpenApi().AddOutputCache();

    /// <summary>
    /// The service's OpenAPI document lives under its own public prefix (<c>/api/identity/openapi/v1.json</c>)
    /// so the gateway's route reaches it; the Scalar UI beside it in Development. The document is anonymous and
    /// generated afresh on each request, at a real CPU cost, so answers are cached: otherwise one
    /// client within its rate limit could keep a service's core busy.
    /// </summary>
    public static WebApplication MapDefaultOpenApi(this WebApplication app)
    {
        var prefix = app.Services.GetRequiredService<ServiceIdentity>().ApiPrefix;
        app.UseOutputCache();
        app.MapOpenApi(prefix + "/openapi/{documentName}.json").AllowAnonymous().CacheOutput(new DocumentCachePolicy());
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference(prefix + "/scalar", o => o.WithOpenApiRoutePattern(prefix + "/openapi/{documentName}.json")).AllowAnonymous();
        }
        return app;
    }

    /// <summary>
    /// Output caching's default policy stores nothing for an authenticated request, and behind the gateway every
    /// request carries the gateway's token. The document is the same for every caller; it varies only by the host
    /// it names as its server, which is part of the cache key. Successful GET and HEAD answers are kept for a minute.
    /// </summary>
    private sealed class DocumentCachePolicy : IOutputCachePolicy
    {
        public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            var method = context.HttpContext.Request.Method;
            var cacheable = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
            context.EnableOutputCaching = true;
            context.AllowCacheLookup = cacheable;
            context.AllowCacheStorage = cacheable;
            context.AllowLocking = true;
            context.ResponseExpirationTimeSpan = TimeSpan.FromMinutes(1);
            return ValueTask.CompletedTask;
        }

        public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

        public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            if (context.HttpContext.Response.StatusCode != StatusCodes.Status200OK)
            {
                context.AllowCacheStorage = false;
            }
            return ValueTask.CompletedTask;
        }
    }
}
