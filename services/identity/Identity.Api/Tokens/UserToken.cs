namespace Identity.Api.Tokens;

/// <summary>
/// A row of <c>user_tokens</c>: an opaque bearer token, stored only as its SHA-256. PostgreSQL is the truth for
/// expiry and revocation, so losing a cache never signs anyone out or revives a revoked token.
/// </summary>
public sealed class UserToken
{
    public Guid Id { get; set; }
    public required string TokenHash { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Slides to now + 7 days on use, never past <see cref="AbsoluteExpiresAt"/>.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset AbsoluteExpiresAt { get; set; }
    public DateTimeOffset LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? ClientInfo { get; set; }
}
