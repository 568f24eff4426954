namespace Platform.Contracts.Users;

/// <summary>An administrator disabled the user: identity refuses their credentials until enabled.</summary>
public sealed record UserDisabled(Guid UserId, DateTimeOffset DisabledAt);

/// <summary>An administrator enabled a disabled user again.</summary>
public sealed record UserEnabled(Guid UserId, DateTimeOffset EnabledAt);
