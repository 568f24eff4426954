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

    public static WebApplication MapConsole(this WebApplication app)
    {
        app.MapStaticAssets();
        var index = ServeIndex(app);
        // Routing takes /console and /console/ alike: the app's base address is the latter.
        app.MapGet(BasePath, context => context.Request.Path.Value!.EndsWith('/')
            ? index(context)
            : Results.Redirect(BasePath + "/").ExecuteAsync(context)).ExcludeFromDescription();
        // Addresses of the console's pages (no file extension) are the app's own routes: index.html answers them.
        app.MapFallback(BasePath + "/{**path:nonfile}", index);
        return app;
    }

    /// <summary>
    /// Answers as the static-asset endpoint of <c>index.html</c> (uncompressed: it is small), with its headers
    /// (no-cache, ETag). The endpoint is made the request's own, as the static-asset handlers read it from there.
    /// </summary>
    private static RequestDelegate ServeIndex(WebApplication app)
    {
        var index = new Lazy<RouteEndpoint>(() =>
            ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .FirstOrDefault(e => e.RoutePattern.RawText == IndexRoute && e.RequestDelegate is not null
                    && e.Metadata.GetMetadata<ContentEncodingMetadata>() is null)
            ?? throw new InvalidOperationException($"The console's {IndexRoute} is not among the gateway's static assets: is web/Console referenced?"));
        return context =>
        {
            context.SetEndpoint(index.Value);
            return index.Value.RequestDelegate!(context);
        };
    }
}
