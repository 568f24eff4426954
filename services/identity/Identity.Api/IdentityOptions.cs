namespace Identity.Api;

/// <summary>The <c>Identity</c> configuration section.</summary>
public sealed class IdentityOptions
{
    /// <summary>Base64 server secret (32+ bytes) keying code HMACs and CSRF tokens; the AppHost injects it.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Keep sent codes readable at <c>/api/identity/dev/outbox</c>. Only in Development: elsewhere identity refuses to start.</summary>
    public bool DevOutbox { get; set; }

    /// <summary>Emails or phones that become administrators when they sign in.</summary>
    public string[] Admins { get; set; } = [];

    /// <summary>A code accepted for any target, for demos. Ignored unless set, and outside Development.</summary>
    public string? UniversalCode { get; set; }

    /// <summary>Origins allowed to create cookie sessions (<c>POST /api/identity/sessions</c>).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>The session cookie's Secure flag; defaults to on outside Development.</summary>
    public bool? SecureCookies { get; set; }
}
