using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>
/// A stand-in for the relay's upstream over real HTTP, speaking Anthropic's Messages API: <c>POST /v1/messages</c>
/// answers JSON, or server-sent events when the body says <c>"stream": true</c>, with the usage it was told to report.
/// Any bearer token is an account unless a test makes it refuse (429 with Retry-After, 401, 529). A request whose
/// <c>metadata.user_id</c> names a gate waits there: a stream after its first event, JSON before answering.
/// </summary>
public sealed class LlmStandIn : IAsyncDisposable
{
    public sealed record Call(string Token, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

    public sealed record Refusal(int Status, string? RetryAfter);

    private readonly ConcurrentDictionary<string, Refusal> _refusals = new();
    private readonly ConcurrentDictionary<string, Gate> _gates = new();
    private readonly ConcurrentDictionary<string, Pen> _pens = new();
    private readonly WebApplication _app;

    private LlmStandIn(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>What every answer reports: input, output, cache-creation and cache-read tokens.</summary>
    public (int Input, int Output, int CacheCreate, int CacheRead) Usage { get; set; } = (100, 50, 20, 10);

    public static async Task<LlmStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new LlmStandIn(app);
        app.MapPost("/v1/messages", standIn.MessagesAsync);
        await app.StartAsync();
        standIn.BaseAddress = new Uri(app.Urls.First());
        return standIn;
    }

    public void Refuse(string token, int status, string? retryAfter = null) => _refusals[token] = new Refusal(status, retryAfter);

    public void Accept(string token) => _refusals.TryRemove(token, out _);

    public Gate Hold(string name) => _gates[name] = new Gate();

    /// <summary>Holds every request naming <paramref name="name"/> (not just the first) until released.</summary>
    public Pen HoldAll(string name) => _pens[name] = new Pen();

    /// <summary>Where held requests wait; <see cref="Inside"/> counts them.</summary>
    public sealed class Pen
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inside;

        public int Inside => Volatile.Read(ref _inside);

        public void Release() => _released.TrySetResult();

        internal async Task WaitAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _inside);
            await _released.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The tokens (accounts) that served calls carrying <paramref name="marker"/> in their body, in order.</summary>
    public IReadOnlyList<string> TokensFor(string marker) => [.. Calls.Where(c => c.Body.Contains(marker, StringComparison.Ordinal)).Select(c => c.Token)];

    private async Task MessagesAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        var token = request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : "";
        Calls.Enqueue(new Call(token, request.Path + request.QueryString,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), text));
        var response = context.Response;
        if (_refusals.TryGetValue(token, out var refusal) || token.Length == 0)
        {
            refusal ??= new Refusal(401, null);
            response.StatusCode = refusal.Status;
            if (refusal.RetryAfter is not null) response.Headers.RetryAfter = refusal.RetryAfter;
            await response.WriteAsJsonAsync(new { type = "error", error = new { type = "refused", message = "refused by the stand-in" } });
            return;
        }

        using var body = JsonDocument.Parse(text);
        var model = body.RootElement.GetProperty("model").GetString();
        var stream = body.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var holder = body.RootElement.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("user_id", out var user) ? user.GetString() ?? "" : "";
        var gate = _gates.TryGetValue(holder, out var g) ? g : null;
        if (_pens.TryGetValue(holder, out var pen)) await pen.WaitAsync(context.RequestAborted);
        var (input, output, cacheCreate, cacheRead) = Usage;
        // What a real upstream sends along: a request id the client may quote, and a cookie the relay must not pass on.
        response.Headers["request-id"] = "req_standin";
        response.Headers.SetCookie = "upstream-session=secret; Path=/";
        if (!stream)
        {
            if (gate is not null) await gate.PassAsync(context.RequestAborted);
            await response.WriteAsJsonAsync(new
            {
                id = "msg_standin",
                type = "message",
                role = "assistant",
                model,
                content = new[] { new { type = "text", text = "hello" } },
                usage = new { input_tokens = input, output_tokens = output, cache_creation_input_tokens = cacheCreate, cache_read_input_tokens = cacheRead },
            });
            return;
        }

        response.ContentType = "text/event-stream";
        await EventAsync(response, "message_start", new
        {
            type = "message_start",
            message = new { id = "msg_standin", type = "message", role = "assistant", model, usage = new { input_tokens = input, output_tokens = 1, cache_creation_input_tokens = cacheCreate, cache_read_input_tokens = cacheRead } },
        });
        if (gate is not null) await gate.PassAsync(context.RequestAborted);
        await EventAsync(response, "content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = "hello" } });
        await EventAsync(response, "message_delta", new { type = "message_delta", delta = new { stop_reason = "end_turn" }, usage = new { output_tokens = output } });
        await EventAsync(response, "message_stop", new { type = "message_stop" });
    }

    private static async Task EventAsync(HttpResponse response, string name, object data)
    {
        await response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n");
        await response.Body.FlushAsync();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
