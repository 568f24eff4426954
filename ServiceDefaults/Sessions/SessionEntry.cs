namespace Platform.ServiceDefaults.Sessions;

/// <summary>A row of <c>sessions</c>: the PostgreSQL back-end of <see cref="ISessionStore"/>.</summary>
public sealed class SessionEntry
{
    public required string Key { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
}
