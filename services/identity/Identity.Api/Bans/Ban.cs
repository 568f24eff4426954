namespace Identity.Api.Bans;

/// <summary>
/// A row of <c>bans</c>: a client address, a target (email/phone), or one address's access to one target, refused
/// until <see cref="Until"/>. Kept in PostgreSQL so every instance enforces it, with or without Redis.
/// </summary>
public sealed class Ban
{
    public long Id { get; set; }
    public BanKind Kind { get; set; }
    /// <summary>The address (its bucket: an IPv6 address's /64) or the target.</summary>
    public required string Value { get; set; }
    /// <summary>For <see cref="BanKind.TargetIp"/>: the address (bucket) locked out of <see cref="Value"/>, the target.</summary>
    public string? Address { get; set; }
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
    /// <summary>Refuses sends to and sign-ins of an email or phone (<c>target_locked</c>), from everywhere: an administrator's ban.</summary>
    Target,
    /// <summary>Refuses one client address's sends to and sign-ins of one target: too many wrong codes from there.</summary>
    TargetIp,
}
