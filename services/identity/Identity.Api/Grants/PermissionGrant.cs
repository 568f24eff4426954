namespace Identity.Api.Grants;

/// <summary>One user's grant on one resource (<c>permission_grants</c>): <c>read</c>, or <c>write</c> which includes read.</summary>
public sealed class PermissionGrant
{
    public Guid UserId { get; set; }
    public required string Resource { get; set; }
    public required string Access { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
    /// <summary>The administrator's user id.</summary>
    public required string GrantedBy { get; set; }
}
