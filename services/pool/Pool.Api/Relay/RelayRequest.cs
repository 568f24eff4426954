using System.Text.Json;

namespace Pool.Api.Relay;

/// <summary>A relayed request's body, read whole (it may go to several accounts), with what scheduling needs from it.</summary>
public sealed record RelayRequest(byte[] Body, string? Model, string? SessionHash)
{
    /// <summary>The body and its model and sticky hash, or null when the body is over <paramref name="limit"/> bytes.</summary>
    public static async Task<RelayRequest?> ReadAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        var body = buffer.ToArray();
        var (model, sessionHash) = Inspect(request.ContentType, body);
        return new RelayRequest(body, model, sessionHash);
    }

    /// <summary>The requested model and the conversation's sticky hash, when the body is a JSON object.</summary>
    private static (string? Model, string? SessionHash) Inspect(string? contentType, byte[] body)
    {
        if (body.Length == 0 || contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, null);
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var model = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return (model, Relay.SessionHash.From(root));
        }
        catch (JsonException)
        {
            // Not ours to judge: the upstream answers malformed bodies in its own words.
            return (null, null);
        }
    }
}
