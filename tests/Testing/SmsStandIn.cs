using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>
/// A stand-in SMS provider over real HTTP (no provider can be reached from here): <c>POST /messages</c> keeps the
/// request and answers 202 with a message id, or the status a test sets with <see cref="FailWith"/>, or holds the
/// request until the caller gives up while <see cref="Hang"/> is on.
/// </summary>
public sealed class SmsStandIn : IAsyncDisposable
{
    public sealed record Call(IReadOnlyDictionary<string, string> Headers, string ContentType, string Body);

    private readonly WebApplication _app;
    private volatile int _status = StatusCodes.Status202Accepted;
    private volatile bool _hang;
    private int _held;

    private SmsStandIn(WebApplication app) => _app = app;

    /// <summary>Where messages are posted.</summary>
    public Uri MessagesUrl { get; private set; } = null!;

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Requests held so far while <see cref="Hang"/> was on.</summary>
    public int Held => Volatile.Read(ref _held);

    public bool Hang
    {
        get => _hang;
        set => _hang = value;
    }

    public static async Task<SmsStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new SmsStandIn(app);
        app.MapPost("/messages", standIn.MessagesAsync);
        await app.StartAsync();
        standIn.MessagesUrl = new Uri(new Uri(app.Urls.First()), "/messages");
        return standIn;
    }

    /// <summary>Answer every request with this status (a 5xx outage, a 401 for a wrong key...).</summary>
    public void FailWith(int status) => _status = status;

    /// <summary>Back to accepting every message.</summary>
    public void Recover()
    {
        _status = StatusCodes.Status202Accepted;
        _hang = false;
    }

    private async Task<IResult> MessagesAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        Calls.Enqueue(new Call(
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            request.ContentType ?? "", body));
        if (_hang)
        {
            Interlocked.Increment(ref _held);
            // Until the caller times out and hangs up (or the stand-in stops).
            var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (request.HttpContext.RequestAborted.Register(() => aborted.TrySetResult()))
            {
                await aborted.Task;
            }
            return Results.Empty;
        }
        var status = _status;
        return status is >= 200 and < 300
            ? Results.Json(new { id = Guid.NewGuid().ToString("N"), status = "queued" }, statusCode: status)
            : Results.Json(new { error = "refused by the stand-in" }, statusCode: status);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
