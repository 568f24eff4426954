namespace Users.Api.Profiles;

/// <summary>
/// A person's profile, keyed by identity's user id. Email and phone are identity's verified ones, copied from
/// its claims and events; people change only what is theirs (name, locale).
/// </summary>
public sealed class UserProfile
{
    public Guid Id { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? DisplayName { get; set; }
    public string? Locale { get; set; }
    public ProfileStatus Status { get; set; } = ProfileStatus.Active;
    /// <summary>Raised by every status change and carried by its event, so consumers can tell an old event from a new one.</summary>
    public long StatusVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum ProfileStatus
{
    Active,
    Disabled,
}
