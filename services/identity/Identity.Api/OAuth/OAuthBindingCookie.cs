using System.Security.Cryptography;
using System.Text;
using Identity.Api.Sessions;

namespace Identity.Api.OAuth;

/// <summary>
/// Binds an OAuth sign-in to the browser that started it (against login CSRF: an attacker's own callback link,
/// opened by a victim, would otherwise sign the victim in as the attacker). The start sets this short-lived
/// cookie holding a hash of the state; the callback accepts a state only with the matching cookie. HttpOnly, and
/// SameSite=Lax so that the provider's top-level redirect back still carries it. The gateway passes this cookie,
/// alone of all a client's cookies, on to identity (<c>InternalTokenTransform</c>).
/// </summary>
public static class OAuthBindingCookie
{
    public const string Name = "oauth_binding";
    private const string Path = "/api/identity/oauth";

    public static void Set(HttpContext http, string state, TimeSpan lifetime) =>
        http.Response.Cookies.Append(Name, IdentitySecrets.Hash(state), Options(http, lifetime));

    /// <summary>Whether the request carries the cookie its state was started with.</summary>
    public static bool Matches(HttpContext http, string state) =>
        http.Request.Cookies[Name] is { Length: > 0 } sent
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sent), Encoding.ASCII.GetBytes(IdentitySecrets.Hash(state)));

    /// <summary>It is not deleted on the callback: it only ever names a state that is single use anyway, and expires with it.</summary>
    private static CookieOptions Options(HttpContext http, TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = SessionCookie.Secure(http),
        Path = Path,
        MaxAge = lifetime,
    };
}
