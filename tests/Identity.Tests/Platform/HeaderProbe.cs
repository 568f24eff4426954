using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Identity.Tests;

/// <summary>
/// Stands where a service behind the gateway would (the gateway's <c>users</c> destination) and answers every
/// request with the headers it received (and, as <c>:protocol</c>, the HTTP version it came over), so tests can see
/// exactly what the gateway forwards.
/// </summary>
public sealed class HeaderProbe : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HeaderProbe(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public Uri H2cAddress { get; private set; } = null!;

    public static async Task<HeaderProbe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.ListenLikeAService();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(context =>
        {
            var received = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            received[":protocol"] = context.Request.Protocol;
            return context.Response.WriteAsJsonAsync(received);
        });
        await app.StartAsync();
        var (http, h2c) = app.Addresses();
        return new HeaderProbe(app) { BaseAddress = http, H2cAddress = h2c };
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
