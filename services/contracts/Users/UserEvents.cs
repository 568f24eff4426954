namespace Platform.Contracts.Users;

// Version: the user's status version in users, raised by each disable and enable. Events may arrive out of order;
// a consumer applies one only when it is newer than the last it applied for that user.

/// <summary>An administrator disabled the user: identity refuses their credentials until enabled.</summary>
public sealed record UserDisabled(Guid UserId, DateTimeOffset DisabledAt, long Version);

/// <summary>An administrator enabled a disabled user again.</summary>
public sealed record UserEnabled(Guid UserId, DateTimeOffset EnabledAt, long Version);
