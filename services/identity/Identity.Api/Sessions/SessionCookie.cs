using Microsoft.Extensions.Options;

namespace Identity.Api.Sessions;

/// <summary>The <c>sid</c> cookie: HttpOnly, SameSite=Lax, Secure by configuration (on outside Development).</summary>
public static class SessionCookie
{
    public const string Name = "sid";

    public static void Set(HttpContext http, string sessionId, DateTimeOffset expiresAt) =>
        http.Response.Cookies.Append(Name, sessionId, Options(http, expiresAt));

    public static void Clear(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http, null));

    private static CookieOptions Options(HttpContext http, DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = Secure(http),
        Path = "/",
        Expires = expiresAt,
    };

    /// <summary>Identity's cookies carry the Secure flag when configured, by default outside Development.</summary>
    public static bool Secure(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.SecureCookies
        ?? !http.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment();
}
