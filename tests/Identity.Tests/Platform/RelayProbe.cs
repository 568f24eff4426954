using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Identity.Tests;

/// <summary>
/// Stands where pool would (the gateways' <c>pool</c> destination, which <c>relay</c> shares). It records the path,
/// query and headers of every request (and, as <c>:protocol</c>, its HTTP version); a request naming a gate in <see cref="GateHeader"/> is held until the test
/// opens it, and one that accepts <c>text/event-stream</c> gets a first event before the gate and a last after.
/// </summary>
public sealed class RelayProbe : IAsyncDisposable
{
    /// <summary>Tests tag their requests with a fresh value, to find what of theirs arrived.</summary>
    public const string MarkHeader = "x-probe-mark";
    public const string GateHeader = "x-probe-gate";

    public sealed record Received(string PathAndQuery, IReadOnlyDictionary<string, string> Headers);

    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public Uri H2cAddress { get; private set; } = null!;

    public static async Task<RelayProbe> StartAsync()
    {
        var probe = new RelayProbe();
        var builder = WebApplication.CreateSlimBuilder();
        builder.ListenLikeAService();
        builder.Logging.ClearProviders();
        probe._app = builder.Build();
        probe._app.Run(probe.HandleAsync);
        await probe._app.StartAsync();
        (probe.BaseAddress, probe.H2cAddress) = probe._app.Addresses();
        return probe;
    }

    public IReadOnlyList<Received> ReceivedWith(string mark) =>
        _received.Where(r => r.Headers.TryGetValue(MarkHeader, out var m) && m == mark).ToList();

    /// <summary>The gate of that name (created on first use by the test or by a request).</summary>
    public TaskCompletionSource Gate(string name) =>
        _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task HandleAsync(HttpContext context)
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        headers[":protocol"] = context.Request.Protocol;
        _received.Enqueue(new Received(context.Request.Path + context.Request.QueryString, headers));
        // A test that fails before opening its gate drops its request, which then stops waiting (RequestAborted).
        var gate = headers.TryGetValue(GateHeader, out var name) ? Gate(name).Task : Task.CompletedTask;
        if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: first\ndata: {}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await gate.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("event: last\ndata: {}\n\n", context.RequestAborted);
            return;
        }
        await gate.WaitAsync(context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new { received = context.Request.Path + context.Request.QueryString }, context.RequestAborted);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
