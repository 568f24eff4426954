using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pool.Api.Relay;

/// <summary>
/// The sticky-session key of a Messages-style request body: the first 32 hex of SHA-256 over the prompt parts marked
/// cacheable (<c>cache_control</c>), else over the system prompt, else over the first message. Requests of one
/// conversation share it, so they keep hitting the account that holds their prompt cache.
/// </summary>
public static class SessionHash
{
    public static string? From(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var system = body.TryGetProperty("system", out var s) ? s : default;
        var messages = body.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array ? m : default;

        var cacheable = new StringBuilder();
        AppendCacheable(system, cacheable);
        if (messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content))
                {
                    AppendCacheable(content, cacheable);
                }
            }
        }
        if (cacheable.Length > 0)
        {
            return Hash(cacheable.ToString());
        }
        if (Text(system) is { Length: > 0 } systemText)
        {
            return Hash(systemText);
        }
        if (messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0
            && messages[0].ValueKind == JsonValueKind.Object && messages[0].TryGetProperty("content", out var first)
            && Text(first) is { Length: > 0 } firstText)
        {
            return Hash(firstText);
        }
        return null;
    }

    private static void AppendCacheable(JsonElement content, StringBuilder into)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        foreach (var block in content.EnumerateArray())
        {
            if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("cache_control", out _))
            {
                into.Append(Text(block));
            }
        }
    }

    /// <summary>A content's text: a string, a block's <c>text</c>, or the texts of an array of blocks.</summary>
    private static string Text(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString() ?? "",
        JsonValueKind.Object => content.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() ?? "" : "",
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(Text)),
        _ => "",
    };

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
