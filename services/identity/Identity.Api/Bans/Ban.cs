namespace Identity.Api.Bans;

/// <summary>
/// A row of <c>bans</c>: an IP or a target (email/phone) refused until <see cref="Until"/>. Kept in PostgreSQL so
/// every instance enforces it, with or without Redis.
/// </summary>
public sealed class Ban
{
    public long Id { get; set; }
    public BanKind Kind { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset Until { get; set; }
    public required string Reason { get; set; }
    /// <summary>Who banned: an administrator's user id, or <c>system</c> for the automatic limits.</summary>
    public required string CreatedBy { get; set; }
    public DateTimeOffset? LiftedAt { get; set; }
}

public enum BanKind
{
    /// <summary>Refuses code sends from a client address.</summary>
    Ip,
    /// <summary>Refuses sends to and sign-ins of an email or phone (<c>target_locked</c>).</summary>
    Target,
}
