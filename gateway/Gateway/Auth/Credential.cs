using System.Security.Cryptography;
using System.Text;
using Platform.ServiceDefaults.Auth;

namespace Gateway.Auth;

/// <summary>What a client presented: a bearer token, the <c>sid</c> session cookie, or an <c>x-api-key</c>.</summary>
public sealed record Credential(string Type, string Value)
{
    public const string SessionCookie = "sid";
    public const string ApiKeyHeader = "x-api-key";

    /// <summary>How identity's API keys begin (its <c>ApiKeyEndpoints.KeyPrefix</c>).</summary>
    public const string ApiKeyPrefix = "sk-";

    /// <summary>The cache key (with the client address): a hash, so the raw credential is not kept in memory.</summary>
    public string CacheKey { get; } = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Type + ":" + Value)));

    /// <summary>
    /// Bearer wins over the cookie (and then no CSRF check applies); an API key is used only alone. On relay routes
    /// a bearer value that is an API key (<c>sk-...</c>) counts as one, since OpenAI-style SDKs send keys that way;
    /// elsewhere a bearer value is always a token.
    /// </summary>
    public static Credential? From(HttpRequest request, bool relay = false)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization[7..].Trim() is { Length: > 0 } token)
        {
            var type = relay && token.StartsWith(ApiKeyPrefix, StringComparison.Ordinal) ? InternalClaims.Types.ApiKey : InternalClaims.Types.Token;
            return new Credential(type, token);
        }
        if (request.Headers[ApiKeyHeader].ToString() is { Length: > 0 } key)
        {
            return new Credential(InternalClaims.Types.ApiKey, key);
        }
        // Reading Cookies parses them into a new collection; most requests have none to parse.
        if (request.Headers.Cookie.Count > 0 && request.Cookies[SessionCookie] is { Length: > 0 } sid)
        {
            return new Credential(InternalClaims.Types.Session, sid);
        }
        return null;
    }
}
