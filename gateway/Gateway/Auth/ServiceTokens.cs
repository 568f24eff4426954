using System.Security.Claims;
using Platform.ServiceDefaults.Auth;

namespace Gateway.Auth;

/// <summary>The gateway's own identity towards services' <c>/internal/*</c> endpoints (roles: gateway).</summary>
public sealed class ServiceTokens(InternalTokenIssuer issuer)
{
    private static readonly Claim[] Claims =
    [
        new(InternalClaims.CredentialType, InternalClaims.Types.Service),
        new(InternalClaims.Roles, "gateway"),
    ];

    public string For(string service) => issuer.Issue(service, Claims, TimeSpan.FromSeconds(30));
}
