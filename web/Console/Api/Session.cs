namespace WebConsole.Api;

/// <summary>Who is signed in (identity's <c>/me</c>, with roles and grants) and the session's CSRF token.</summary>
public sealed class Session
{
    public Me? User { get; private set; }

    public string? CsrfToken { get; set; }

    /// <summary>True once <c>/me</c> has been asked, whatever it said.</summary>
    public bool Loaded { get; private set; }

    public event Action? Changed;

    public bool IsAdmin => User?.Roles.Contains("admin") == true;

    /// <summary>Whether the person may read (or, with <paramref name="write"/>, change) a resource such as <c>pool.groups</c>.</summary>
    public bool Can(string resource, bool write = false) =>
        IsAdmin || User?.Permissions.Any(p => p == resource + ":write" || (!write && p == resource + ":read")) == true;

    public void SignedIn(Me user, string? csrfToken)
    {
        User = user;
        CsrfToken = csrfToken ?? CsrfToken;
        Loaded = true;
        Changed?.Invoke();
    }

    public void SignedOut()
    {
        User = null;
        CsrfToken = null;
        Loaded = true;
        Changed?.Invoke();
    }
}
