using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.ServiceDefaults.Auth;

/// <summary>
/// Mints the internal ES256 JWTs the gateway forwards to services. Only the gateway holds the private key, so a
/// service can verify these tokens but never mint one.
/// </summary>
public sealed class InternalTokenIssuer(ECDsa privateKey, TimeProvider time)
{
    /// <summary>The longest an internal token lives (docs/gateway.md).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromSeconds(60);

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials = new(new ECDsaSecurityKey(privateKey), SecurityAlgorithms.EcdsaSha256);

    /// <summary>From the private key as configured: PKCS#8, base64 (one line, so it travels in an environment variable).</summary>
    public static InternalTokenIssuer FromBase64(string privateKey, TimeProvider time)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(privateKey), out _);
        return new InternalTokenIssuer(key, time);
    }

    /// <summary>A token for one service (<paramref name="audience"/>), valid for <paramref name="lifetime"/> (≤ 60 s).</summary>
    public string Issue(string audience, IEnumerable<Claim> claims, TimeSpan lifetime)
    {
        if (lifetime > MaxLifetime) lifetime = MaxLifetime;
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = InternalClaims.Issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = _credentials,
        });
    }
}
