using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>
/// A stand-in for the relay's upstream over real HTTP, speaking Anthropic's Messages API (<c>POST /v1/messages</c>
/// answers JSON, or server-sent events when the body says <c>"stream": true</c>, with the usage it was told to report;
/// <c>POST /v1/messages/count_tokens</c>; <c>GET /v1/models</c> and <c>/v1/models/{id}</c>) and OpenAI's
/// <c>POST /v1/chat/completions</c>. Every request that arrives, routed or not, is in <see cref="Calls"/>. Any bearer
/// token is an account unless a test makes it refuse (429 with Retry-After and rate-limit headers, 401, 529) on every
/// endpoint; a model can be refused for every account, or need a header. A request whose <c>metadata.user_id</c>
/// names a gate waits there: a stream after its first event, JSON before answering.
/// </summary>
public sealed class LlmStandIn : IAsyncDisposable
{
    /// <param name="PathAndQuery">The request target as it arrived, before the server normalised it.</param>
    public sealed record Call(string Token, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, string Method = "POST");

    public sealed record Refusal(int Status, string? RetryAfter, IReadOnlyDictionary<string, string>? Headers = null);

    private readonly ConcurrentDictionary<string, Refusal> _refusals = new();
    private readonly ConcurrentDictionary<string, Refusal> _modelRefusals = new();
    private readonly ConcurrentDictionary<string, string> _requiredHeaders = new();
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
        app.Use(standIn.RecordAsync);
        app.MapPost("/v1/messages", standIn.MessagesAsync);
        app.MapPost("/v1/messages/count_tokens", standIn.CountTokensAsync);
        app.MapGet("/v1/models", standIn.ModelsAsync);
        app.MapGet("/v1/models/{id}", standIn.ModelAsync);
        app.MapPost("/v1/chat/completions", standIn.ChatCompletionsAsync);
        await app.StartAsync();
        standIn.BaseAddress = new Uri(app.Urls.First());
        return standIn;
    }

    /// <summary>Every call with <paramref name="token"/> answers <paramref name="status"/>, with the headers given, until <see cref="Accept"/>.</summary>
    public void Refuse(string token, int status, string? retryAfter = null, IReadOnlyDictionary<string, string>? headers = null) =>
        _refusals[token] = new Refusal(status, retryAfter, headers);

    public void Accept(string token) => _refusals.TryRemove(token, out _);

    /// <summary>Messages and chat completions asking for <paramref name="model"/> answer <paramref name="status"/> on every account.</summary>
    public void RefuseModel(string model, int status, IReadOnlyDictionary<string, string>? headers = null) =>
        _modelRefusals[model] = new Refusal(status, null, headers);

    /// <summary>Messages asking for <paramref name="model"/> answer 401 unless they carry <paramref name="header"/>.</summary>
    public void RequireHeader(string model, string header) => _requiredHeaders[model] = header;

    /// <summary>The tokens that called <c>GET /v1/models</c> (the relay's account check among them), in order.</summary>
    public IReadOnlyList<string> ModelListCallers => [.. Calls.Where(c => c.Method == "GET" && c.PathAndQuery == "/v1/models").Select(c => c.Token)];

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

    /// <summary>Records every request (its body read whole) before it is routed.</summary>
    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        var token = request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : "";
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var call = new Call(token, target, request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), text, request.Method);
        Calls.Enqueue(call);
        context.Items[typeof(Call)] = call;
        await next(context);
    }

    private static Call CallOf(HttpContext context) => (Call)context.Items[typeof(Call)]!;

    /// <summary>Answers the token's refusal (no token: 401), or the model's; false when the call may go on.</summary>
    private async Task<bool> RefusedAsync(HttpContext context, string? model)
    {
        var call = CallOf(context);
        Refusal? refusal = _refusals.TryGetValue(call.Token, out var byToken) ? byToken
            : call.Token.Length == 0 ? new Refusal(401, null)
            : model is not null && _modelRefusals.TryGetValue(model, out var byModel) ? byModel
            : model is not null && _requiredHeaders.TryGetValue(model, out var header) && !call.Headers.ContainsKey(header) ? new Refusal(401, null)
            : null;
        if (refusal is null) return false;
        var response = context.Response;
        response.StatusCode = refusal.Status;
        if (refusal.RetryAfter is not null) response.Headers.RetryAfter = refusal.RetryAfter;
        foreach (var (name, value) in refusal.Headers ?? new Dictionary<string, string>()) response.Headers[name] = value;
        await response.WriteAsJsonAsync(new { type = "error", error = new { type = "refused", message = "refused by the stand-in" } });
        return true;
    }

    private async Task ModelsAsync(HttpContext context)
    {
        if (await RefusedAsync(context, null)) return;
        await context.Response.WriteAsJsonAsync(new { data = new[] { new { type = "model", id = "claude-sonnet-4-20250514" } }, has_more = false });
    }

    private async Task ModelAsync(HttpContext context, string id)
    {
        if (await RefusedAsync(context, null)) return;
        await context.Response.WriteAsJsonAsync(new { type = "model", id });
    }

    private async Task CountTokensAsync(HttpContext context)
    {
        using var body = JsonDocument.Parse(CallOf(context).Body);
        if (await RefusedAsync(context, body.RootElement.GetProperty("model").GetString())) return;
        await context.Response.WriteAsJsonAsync(new { input_tokens = Usage.Input });
    }

    private async Task ChatCompletionsAsync(HttpContext context)
    {
        using var body = JsonDocument.Parse(CallOf(context).Body);
        var model = body.RootElement.GetProperty("model").GetString();
        if (await RefusedAsync(context, model)) return;
        await context.Response.WriteAsJsonAsync(new
        {
            id = "chatcmpl-standin",
            @object = "chat.completion",
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "hello" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = Usage.Input, completion_tokens = Usage.Output, total_tokens = Usage.Input + Usage.Output },
        });
    }

    private async Task MessagesAsync(HttpContext context)
    {
        var response = context.Response;
        using var body = JsonDocument.Parse(CallOf(context).Body);
        var model = body.RootElement.GetProperty("model").GetString();
        if (await RefusedAsync(context, model)) return;
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
