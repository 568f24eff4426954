using System.Text.RegularExpressions;

namespace Pool.Api.Relay;

/// <summary>The API formats a client may speak to the relay.</summary>
public enum ApiFormat
{
    /// <summary>Anthropic Messages.</summary>
    Messages,
    /// <summary>OpenAI Chat Completions.</summary>
    ChatCompletions,
}

/// <summary>A relayed endpoint: the client's format and the upstream path it goes to (always one of the fixed list).</summary>
public sealed record RelayedEndpoint(ApiFormat Format, string UpstreamPath);

/// <summary>
/// The only endpoints the relay sends on, per API format: Messages (<c>POST /v1/messages</c>,
/// <c>POST /v1/messages/count_tokens</c>, <c>GET /v1/models</c>, <c>GET /v1/models/{id}</c>) and OpenAI Chat Completions
/// (<c>POST /v1/chat/completions</c>, <c>GET /v1/models</c>). Paths are compared exactly, segment by segment, as the
/// server decoded them: any other method, path, extra segment, empty segment or encoded separator is not relayed, so an
/// account's token never goes anywhere else. The upstream path is built from the list, never copied from the client.
/// </summary>
public static partial class RelayedEndpoints
{
    public const string Prefix = "/relay";

    private static readonly Dictionary<(string Method, string Path), RelayedEndpoint> Fixed = new()
    {
        [("POST", "/v1/messages")] = new(ApiFormat.Messages, "/v1/messages"),
        [("POST", "/v1/messages/count_tokens")] = new(ApiFormat.Messages, "/v1/messages/count_tokens"),
        // Both formats list models at the same path; the Messages form answers both until accounts have kinds.
        [("GET", "/v1/models")] = new(ApiFormat.Messages, "/v1/models"),
        [("POST", "/v1/chat/completions")] = new(ApiFormat.ChatCompletions, "/v1/chat/completions"),
    };

    private const string ModelPrefix = "/v1/models/";

    /// <summary>
    /// The endpoint for <paramref name="method"/> on <paramref name="path"/> (pool's <c>/relay/v1/…</c>), or null when
    /// it is not relayed.
    /// </summary>
    public static RelayedEndpoint? Match(string method, PathString path)
    {
        if (!path.StartsWithSegments(Prefix, StringComparison.Ordinal, out var rest) || rest.Value is not { } relative)
        {
            return null;
        }
        if (Fixed.TryGetValue((method, relative), out var endpoint))
        {
            return endpoint;
        }
        if (method == HttpMethods.Get && relative.StartsWith(ModelPrefix, StringComparison.Ordinal)
            && relative[ModelPrefix.Length..] is var id && ModelId().IsMatch(id))
        {
            return new RelayedEndpoint(ApiFormat.Messages, ModelPrefix + id);
        }
        return null;
    }

    /// <summary>A model id: one segment of letters, digits and <c>. _ : @ -</c>, not starting with a dot (no <c>.</c> or <c>..</c>).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._:@-]{0,199}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ModelId();
}
