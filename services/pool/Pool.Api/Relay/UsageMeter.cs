using System.Buffers;
using System.Text.Json;

namespace Pool.Api.Relay;

/// <summary>Tokens one response used, as the upstream reported them.</summary>
public sealed record TokenUsage(string Model, long Input, long Output, long CacheCreate, long CacheRead)
{
    public long Total => Input + Output + CacheCreate + CacheRead;

    public decimal CostWith(ModelPrice price) =>
        (Input * price.Input + Output * price.Output + CacheCreate * price.CacheCreate + CacheRead * price.CacheRead) / 1_000_000m;
}

/// <summary>
/// Reads the <c>usage</c> a response reports while it is copied to the client: from a JSON body at its end, or from
/// the server-sent events that carry it (Anthropic's <c>message_start</c> and <c>message_delta</c>, or a final
/// OpenAI-style chunk). Only lines that mention usage or a model are parsed, so long streams cost little.
/// </summary>
public sealed class UsageMeter(bool eventStream, string? requestModel)
{
    /// <summary>A JSON body larger than this is relayed but not metered (usage bodies are small).</summary>
    private const int MaxJsonBytes = 4 * 1024 * 1024;
    private const int MaxLineBytes = 1024 * 1024;

    private readonly ArrayBufferWriter<byte> _pending = new();
    private bool _overflow;
    private string? _model;
    private long _input, _output, _cacheCreate, _cacheRead;
    private bool _sawUsage;

    public void Write(ReadOnlySpan<byte> chunk)
    {
        if (!eventStream)
        {
            if (_pending.WrittenCount + chunk.Length > MaxJsonBytes) _overflow = true;
            if (!_overflow) _pending.Write(chunk);
            return;
        }
        while (chunk.Length > 0)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var part = newline < 0 ? chunk : chunk[..newline];
            if (_pending.WrittenCount + part.Length > MaxLineBytes) _overflow = true;
            if (!_overflow) _pending.Write(part);
            if (newline < 0)
            {
                return;
            }
            if (!_overflow) ReadEventLine(_pending.WrittenSpan);
            _pending.Clear();
            _overflow = false;
            chunk = chunk[(newline + 1)..];
        }
    }

    /// <summary>What the response used; null when it reported no usage.</summary>
    public TokenUsage? Complete()
    {
        if (!eventStream && !_overflow && _pending.WrittenCount > 0)
        {
            TryRead(_pending.WrittenSpan);
        }
        else if (eventStream && !_overflow && _pending.WrittenCount > 0)
        {
            ReadEventLine(_pending.WrittenSpan);
        }
        _pending.Clear();
        return _sawUsage ? new TokenUsage(ModelNames.Normalize(_model ?? requestModel), _input, _output, _cacheCreate, _cacheRead) : null;
    }

    private void ReadEventLine(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("data:"u8))
        {
            return;
        }
        var data = line[5..].Trim((byte)' ').TrimEnd((byte)'\r');
        if (data.IndexOf("\"usage\""u8) >= 0 || data.IndexOf("\"model\""u8) >= 0)
        {
            TryRead(data);
        }
    }

    private void TryRead(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!JsonDocument.TryParseValue(ref reader, out var document))
            {
                return;
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) return;
                // Anthropic's message_start nests the message; everything else has model and usage at the top.
                var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : root;
                if (message.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String) _model = model.GetString();
                if (message.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object) ReadUsage(usage);
                else if (root.TryGetProperty("usage", out usage) && usage.ValueKind == JsonValueKind.Object) ReadUsage(usage);
            }
        }
        catch (JsonException)
        {
            // A malformed line is the upstream's problem; the client still gets it verbatim.
        }
    }

    /// <summary>Later reports replace earlier ones field by field (message_delta's output count is cumulative).</summary>
    private void ReadUsage(JsonElement usage)
    {
        _sawUsage = true;
        if ((Count(usage, "input_tokens") ?? Count(usage, "prompt_tokens")) is { } input) _input = input;
        if ((Count(usage, "output_tokens") ?? Count(usage, "completion_tokens")) is { } output) _output = output;
        if (Count(usage, "cache_creation_input_tokens") is { } create) _cacheCreate = create;
        if (Count(usage, "cache_read_input_tokens") is { } read) _cacheRead = read;
        else if (usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
            && Count(details, "cached_tokens") is { } cached) _cacheRead = cached;
    }

    private static long? Count(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= 0 ? n : null;
}
