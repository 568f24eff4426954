namespace Pool.Api.Groups;

/// <summary>A named set of mothers that redeem codes point at, with the templates its teams and emails follow.</summary>
public sealed class PoolGroup
{
    public const string DefaultTeamNameTemplate = "{group}-{date}-{seq3}";
    public const string DefaultEmailTemplate = "{group}-{date}-{seq3}@{domain}";

    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string TeamNameTemplate { get; set; } = DefaultTeamNameTemplate;
    public string EmailTemplate { get; set; } = DefaultEmailTemplate;
    public string? EmailDomain { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The daily sequence behind <c>{seq3}</c>: one counter per (group, kind, yyyymmdd).</summary>
public sealed class PoolSequence
{
    public Guid GroupId { get; set; }
    public required string Kind { get; set; }
    public required string Day { get; set; }
    public int Value { get; set; }
}
