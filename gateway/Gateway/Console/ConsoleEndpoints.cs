namespace Gateway.Console;

/// <summary>
/// The web console (<c>web/Console</c>, a Blazor WebAssembly app) as static files at <c>/console/</c>. They are the
/// referenced project's static web assets: fingerprinted and precompressed at build, served with a long immutable cache,
/// while <c>index.html</c> (and every page's address, which falls back to it) is revalidated each time. They are not
/// under <c>/api</c>, so no credential is asked for them; the per-address rate limit applies as to every request.
/// </summary>
public static class ConsoleEndpoints
{
    public const string BasePath = "/console";
    private const string IndexRoute = "console/index.html";

    /// <remarks>
    /// Run from a build (not a publish), static assets would also add a catch-all <c>{**path:file}</c> endpoint for
    /// files created after the build; <c>DisableStaticAssetNotFoundRuntimeFallback</c> (appsettings.json) leaves it out,
    /// since it turned every other path's unknown POST into 405 instead of 404.
    /// </remarks>
    public static WebApplication MapConsole(this WebApplication app)
    {
        app.MapStaticAssets();
        var assets = new Lazy<Dictionary<string, RouteEndpoint>>(() => StaticAssets(app));
        var index = Serve(assets, _ => IndexRoute);
        // Routing takes /console and /console/ alike: the app's base address is the latter.
        app.MapGet(BasePath, context => context.Request.Path.Value!.EndsWith('/')
            ? index(context)
            : Results.Redirect(BasePath + "/").ExecuteAsync(context)).ExcludeFromDescription();
        // The packages' assets (QuickGrid's module) keep their own base path, /_content/; the app asks for them below its own.
        app.MapGet(BasePath + "/_content/{**path}", Serve(assets, context => "_content/" + context.GetRouteValue("path"))).ExcludeFromDescription();
        // Addresses of the console's pages (no file extension) are the app's own routes: index.html answers them.
        app.MapMethods(BasePath + "/{**path:nonfile}", [HttpMethods.Get, HttpMethods.Head], index).WithOrder(int.MaxValue).ExcludeFromDescription();
        return app;
    }

    /// <summary>The static-asset endpoints by route, uncompressed variants only (those served here are small).</summary>
    private static Dictionary<string, RouteEndpoint> StaticAssets(WebApplication app)
    {
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RequestDelegate is not null && e.Metadata.GetMetadata<ContentEncodingMetadata>() is null && e.RoutePattern.RawText is not null)
            .DistinctBy(e => e.RoutePattern.RawText)
            .ToDictionary(e => e.RoutePattern.RawText!, StringComparer.Ordinal);
        return endpoints.ContainsKey(IndexRoute) ? endpoints
            : throw new InvalidOperationException($"The console's {IndexRoute} is not among the gateway's static assets: is web/Console referenced?");
    }

    /// <summary>
    /// Answers as the static-asset endpoint of another route, with its headers (cache, ETag). The endpoint is made the
    /// request's own, as the static-asset handlers read it from there.
    /// </summary>
    private static RequestDelegate Serve(Lazy<Dictionary<string, RouteEndpoint>> assets, Func<HttpContext, string> route) => context =>
    {
        if (!assets.Value.TryGetValue(route(context), out var endpoint))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "The console has no such file.",
                extensions: new Dictionary<string, object?> { ["code"] = "not_found" }).ExecuteAsync(context);
        }
        context.SetEndpoint(endpoint);
        return endpoint.RequestDelegate!(context);
    };
}
