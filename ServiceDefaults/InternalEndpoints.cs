using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Caching;
using Platform.ServiceDefaults.Data;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What the gateway gathers for <c>/api/admin/system</c> and <c>/api/admin/db-status</c>: <c>/internal/system</c>
/// and <c>/internal/db-status</c>, callable with the gateway's service token only (no gateway route reaches them).
/// </summary>
public static class InternalEndpoints
{
    public sealed record JobSettings(int VisibilityTimeoutSeconds, int MaxAttempts);

    public sealed record SystemInfo(string Service, string Environment, string Version, CacheState? Cache, JobSettings Jobs);

    public sealed record DbStatusReport(string Service, IReadOnlyList<DbStatus> Databases);

    public static IEndpointRouteBuilder MapInternalEndpoints(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<InternalAuthentication>() is null)
        {
            return app; // the gateway itself: it gathers these, it does not serve them.
        }
        var internalApi = app.MapGroup("/internal").RequireAuthorization(InternalAuthExtensions.GatewayPolicy).ExcludeFromDescription();
        internalApi.MapGet("/system", System);
        internalApi.MapGet("/db-status", DbStatusAsync);
        return app;
    }

    private static Ok<SystemInfo> System(ServiceIdentity service, IConfiguration configuration, IServiceProvider services)
    {
        var cache = services.GetService<AutoCacheProvider>() is { } provider ? new CacheState(provider.Configured, provider.Active) : null;
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? service.Version;
        return TypedResults.Ok(new SystemInfo(service.Name, service.Environment, version, cache, new JobSettings(
            configuration.GetValue("Jobs:VisibilityTimeoutSeconds", 300), configuration.GetValue("Jobs:MaxAttempts", 3))));
    }

    private static async Task<Ok<DbStatusReport>> DbStatusAsync(ServiceIdentity service, IEnumerable<IDbStatusSource> sources, CancellationToken cancellationToken) =>
        TypedResults.Ok(new DbStatusReport(service.Name, await Task.WhenAll(sources.Select(s => s.CheckAsync(cancellationToken)))));
}
