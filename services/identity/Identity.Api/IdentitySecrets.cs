using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Identity.Api;

/// <summary>Keys derived from the server secret, one per purpose, so a leak of one use reveals nothing of another.</summary>
public sealed class IdentitySecrets
{
    private readonly byte[] _codeKey;
    private readonly byte[] _csrfKey;

    public IdentitySecrets(IOptions<IdentityOptions> options)
    {
        var secret = options.Value.SecretKey is { Length: > 0 } configured ? Convert.FromBase64String(configured) : [];
        if (secret.Length < 32)
        {
            throw new InvalidOperationException("Identity:SecretKey must be at least 32 bytes, base64; the AppHost injects it as Identity__SecretKey.");
        }
        _codeKey = HMACSHA256.HashData(secret, "verify-code"u8);
        _csrfKey = HMACSHA256.HashData(secret, "csrf"u8);
    }

    /// <summary>The stored form of a code: keyed by the target too, so equal codes for two targets differ.</summary>
    public byte[] HashCode(string target, string code) => HMACSHA256.HashData(_codeKey, Encoding.UTF8.GetBytes(target + "\n" + code));

    /// <summary>The CSRF token of a session: an HMAC of its id, checked by the gateway on unsafe methods.</summary>
    public string CsrfToken(string sessionId) => Base64UrlEncode(HMACSHA256.HashData(_csrfKey, Encoding.UTF8.GetBytes(sessionId)));

    public static string Base64UrlEncode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>A credential's stored form: SHA-256, base64url. Raw tokens, session ids and keys are never stored.</summary>
    public static string Hash(string credential) => Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));

    /// <summary>32 random bytes, base64url: tokens, session ids and API keys.</summary>
    public static string NewSecret() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
}
