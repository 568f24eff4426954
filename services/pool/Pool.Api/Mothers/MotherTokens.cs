using Microsoft.AspNetCore.DataProtection;

namespace Pool.Api.Mothers;

/// <summary>
/// Mothers' access tokens at rest: protected with Data Protection, whose keys live in pooldb encrypted with the
/// key-encryption key the AppHost injects, so a dump of the database alone reveals no token.
/// </summary>
public sealed class MotherTokens(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Pool.Mothers.AccessToken.v1");

    public string Protect(string accessToken) => _protector.Protect(accessToken);

    public string Unprotect(Mother mother) => Unprotect(mother.AccessTokenProtected);

    public string Unprotect(string accessTokenProtected) => _protector.Unprotect(accessTokenProtected);
}
