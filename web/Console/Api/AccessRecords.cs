namespace WebConsole.Api;

// identity's administration: accounts, grants per user and resource, bans.

public sealed record Account(Guid Id, string? Email, string? Phone, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt);

public sealed record GrantResource(string Resource, string Service);

public sealed record Grant(string Resource, string Access, DateTimeOffset GrantedAt, string GrantedBy);

public sealed record UserGrants(Guid UserId, IReadOnlyList<string> Roles, IReadOnlyList<Grant> Grants);

public sealed record GrantRequest(string Access);

public sealed record Ban(long Id, string Kind, string Value, string? Address, DateTimeOffset CreatedAt, DateTimeOffset Until, string Reason, string CreatedBy);

public sealed record BanRequest(string Kind, string Value, int DurationSeconds, string? Reason);

/// <summary>One audited change: who (masked), from where, what, the entity before and after (JSON).</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string? ActorIp, string Action, string Entity, string? EntityId,
    string? Before, string? After);
