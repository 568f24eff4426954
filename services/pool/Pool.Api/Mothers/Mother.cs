namespace Pool.Api.Mothers;

public enum MotherStatus
{
    Active,
    Invalid,
    Disabled,
}

/// <summary>An upstream team account whose seats the pool hands out. Its access token is kept encrypted.</summary>
public sealed class Mother
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public string Provider { get; set; } = "upstream";
    public Guid GroupId { get; set; }
    public int SeatLimit { get; set; }
    /// <summary>The access token, protected with ASP.NET Core Data Protection; never returned by the API.</summary>
    public required string AccessTokenProtected { get; set; }
    public DateTimeOffset TokenExpiresAt { get; set; }
    public MotherStatus Status { get; set; } = MotherStatus.Active;
    public int Priority { get; set; }
    public bool Schedulable { get; set; } = true;
    public DateTimeOffset? RateLimitedUntil { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A team on a mother account, as the upstream listed it.</summary>
public sealed class MotherTeam
{
    public long Id { get; set; }
    public Guid MotherId { get; set; }
    public required string TeamId { get; set; }
    public required string Name { get; set; }
    public bool Enabled { get; set; } = true;
    public bool IsDefault { get; set; }
}

/// <summary>A member seen on a mother's team (created by sync or by a seat), unique per (mother, team, email).</summary>
public sealed class ChildAccount
{
    public long Id { get; set; }
    public Guid MotherId { get; set; }
    public required string TeamId { get; set; }
    public required string Email { get; set; }
    public string Status { get; set; } = "active";
    public string? MemberId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
