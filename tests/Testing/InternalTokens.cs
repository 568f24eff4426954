using System.Security.Claims;
using System.Security.Cryptography;
using Platform.ServiceDefaults.Auth;

namespace Platform.Testing;

/// <summary>
/// Plays the gateway's part for tests that call a service directly: an ES256 key pair (the public half goes in
/// the service's <c>InternalAuth:PublicKey</c>) and internal JWTs signed with it.
/// </summary>
public sealed class InternalTokens
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly InternalTokenIssuer _issuer;

    public InternalTokens() => _issuer = new InternalTokenIssuer(_key, TimeProvider.System);

    public string PublicKey => Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());

    public string PrivateKey => Convert.ToBase64String(_key.ExportPkcs8PrivateKey());

    /// <summary>A signed-in user's token for <paramref name="audience"/>, with verified email/phone when given.</summary>
    public string For(string audience, Guid userId, string? email = null, string? phone = null, params string[] roles) =>
        Issue(audience, userId, email, phone, roles, []);

    /// <summary>A user's token (role <c>user</c> only) carrying these grants (<c>promo.catalog:read</c>).</summary>
    public string WithGrants(string audience, Guid userId, params string[] permissions) =>
        Issue(audience, userId, null, null, [], permissions);

    private string Issue(string audience, Guid userId, string? email, string? phone, string[] roles, string[] permissions)
    {
        var claims = new List<Claim>
        {
            new(InternalClaims.Subject, userId.ToString()),
            new(InternalClaims.CredentialType, InternalClaims.Types.Token),
            new(InternalClaims.CredentialId, Guid.NewGuid().ToString()),
            new(InternalClaims.ClientAddress, "127.0.0.1"),
        };
        if (email is not null) claims.Add(new(InternalClaims.Email, email));
        if (phone is not null) claims.Add(new(InternalClaims.Phone, phone));
        claims.AddRange((roles.Length == 0 ? ["user"] : roles).Select(r => new Claim(InternalClaims.Roles, r)));
        claims.AddRange(permissions.Select(p => new Claim(InternalClaims.Permissions, p)));
        return _issuer.Issue(audience, claims, InternalTokenIssuer.MaxLifetime);
    }
}
