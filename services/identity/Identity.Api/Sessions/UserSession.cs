namespace Identity.Api.Sessions;

/// <summary>
/// A row of <c>user_sessions</c>: which user a live session belongs to, by credential id (the SHA-256 of the
/// session id). The session itself lives in the session store (PostgreSQL or Redis), which can only be read by
/// key; this index is what lets every session of a user be ended at once when they are disabled.
/// </summary>
public sealed class UserSession
{
    public required string CredentialId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
