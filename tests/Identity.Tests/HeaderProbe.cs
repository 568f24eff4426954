using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Identity.Tests;

/// <summary>
/// Stands where a service behind the gateway would (the gateway's <c>users</c> destination) and answers every
/// request with the headers it received, so tests can see exactly what the gateway forwards.
/// </summary>
public sealed class HeaderProbe : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HeaderProbe(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<HeaderProbe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsJsonAsync(
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
        await app.StartAsync();
        return new HeaderProbe(app) { BaseAddress = new Uri(app.Urls.First()) };
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
