using Platform.ServiceDefaults.Auth;

namespace Identity.Api.Accounts;

/// <summary>A person who can sign in. Email and phone are only ever set from a verified code or OAuth email.</summary>
public sealed class User
{
    public Guid Id { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public List<string> Roles { get; set; } = [UserRoles.User];
    public UserStatus Status { get; set; } = UserStatus.Active;
    /// <summary>The users service's status version of the last UserDisabled/UserEnabled applied; older ones are ignored.</summary>
    public long StatusVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
    /// <summary>Bumped by every change to the user's grants; part of their cache key.</summary>
    public int PermissionsVersion { get; set; }

    public bool IsActive => Status == UserStatus.Active;
}

public enum UserStatus
{
    Active,
    Disabled,
}
