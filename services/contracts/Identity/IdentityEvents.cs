namespace Platform.Contracts.Identity;

/// <summary>A person signed in for the first time; users creates their profile from it.</summary>
public sealed record UserRegistered(Guid UserId, string? Email, string? Phone, DateTimeOffset RegisteredAt);

/// <summary>
/// A client address (<c>ip</c>), a target (<c>target</c>) or one address's access to one target (<c>target_ip</c>,
/// with <paramref name="Address"/>) was banned, by an administrator or by the limits.
/// </summary>
public sealed record UserBanned(string Kind, string Value, DateTimeOffset Until, string Reason, string? Address = null);

/// <summary>
/// A bearer token or session ended (sign-out, revocation, disabled user). Gateways drop their cached
/// introspection of it at once.
/// </summary>
public sealed record TokenRevoked(Guid UserId, string CredentialType, string CredentialId, DateTimeOffset RevokedAt);

/// <summary>An API key was revoked; gateways refuse it from now on.</summary>
public sealed record ApiKeyRevoked(Guid UserId, string CredentialId, DateTimeOffset RevokedAt);

/// <summary>A user's roles changed; gateways drop what they cached about the user so the new roles apply.</summary>
public sealed record UserRolesChanged(Guid UserId, IReadOnlyList<string> Roles, DateTimeOffset ChangedAt);

/// <summary>
/// An administrator changed a user's grants (now <paramref name="Permissions"/>, as <c>resource:access</c>); gateways
/// drop what they cached about the user so the new grants apply.
/// </summary>
public sealed record UserPermissionsChanged(Guid UserId, IReadOnlyList<string> Permissions, DateTimeOffset ChangedAt);

/// <summary>
/// identity has refused every credential of the user (after <c>UserDisabled</c>): gateways drop what they cached,
/// and a fresh introspection now answers inactive.
/// </summary>
public sealed record UserCredentialsRevoked(Guid UserId, DateTimeOffset RevokedAt);
