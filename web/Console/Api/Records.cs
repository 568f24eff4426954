namespace WebConsole.Api;

// The public API's answers as the console reads them (camelCase JSON, enums as lower-case strings).

public sealed record Paged<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize);

public sealed record CsrfResponse(string CsrfToken);

// identity
public sealed record Me(Guid Id, string? Email, string? Phone, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions, DateTimeOffset CreatedAt);

public sealed record SendCodeRequest(string Channel, string Target);

public sealed record CodeSent(DateTimeOffset ExpiresAt, int ResendAfterSeconds);

public sealed record SignInRequest(string Channel, string Target, string Code);

public sealed record SessionCreated(string CsrfToken, DateTimeOffset ExpiresAt);

public sealed record OAuthProvider(string Name, string AuthorizeUrl);

// users
public sealed record Profile(Guid Id, string? Email, string? Phone, string? DisplayName, string? Locale, string Status, DateTimeOffset CreatedAt);

// pool
public sealed record PoolGroup(Guid Id, string Name, string TeamNameTemplate, string EmailTemplate, string? EmailDomain, bool Active,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record PoolGroupRequest(string? Name, string? TeamNameTemplate, string? EmailTemplate, string? EmailDomain, bool? Active);

public sealed record SyncResult(int Enqueued, int Reused, IReadOnlyList<Guid> JobIds);

public sealed record Mother(Guid Id, string Name, string Email, string Provider, Guid GroupId, string Status, int SeatLimit, int SeatsUsed,
    DateTimeOffset TokenExpiresAt, int Priority, bool Schedulable, DateTimeOffset? RateLimitedUntil, DateTimeOffset? LastUsedAt, DateTimeOffset CreatedAt);

public sealed record CreateMotherRequest(string? Name, string? Email, Guid? GroupId, int? SeatLimit, string? AccessToken);

public sealed record Job(Guid Id, string Type, string Status, System.Text.Json.JsonElement? Payload, int Attempts, int MaxAttempts, string? LastError,
    string? Actor, int Total, int Succeeded, int Failed, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public bool IsLive => Status is "pending" or "running";
}

public sealed record CreateCodesRequest(int Count, Guid PoolGroupId, int SeatDays, string? Prefix);

public sealed record CreatedCodes(Guid BatchId, IReadOnlyList<string> Codes);

public sealed record RedeemCode(Guid Id, Guid BatchId, string? Prefix, Guid PoolGroupId, int SeatDays, string Status, DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt, Guid? UsedBy, DateTimeOffset? UsedAt);

public sealed record RedeemRequest(string Code);

public sealed record RedeemedSeat(Guid MotherId, string TeamId, string Email, DateTimeOffset? ExpiresAt);

public sealed record Redemption(Guid Id, string Status, RedeemedSeat? Seat, string? Reason, DateTimeOffset CreatedAt)
{
    public bool IsPending => Status == "pending";
}

public sealed record BulkFilter(string? Status, string? Q);

public sealed record BulkStatusRequest(IReadOnlyList<Guid>? UserIds, BulkFilter? Filter);

public sealed record BulkStatusAccepted(Guid JobId, bool Created, int Users);

public sealed record UpdateMotherRequest(int? SeatLimit = null, string? AccessToken = null, bool? Schedulable = null, bool? ClearRateLimit = null);

public sealed record Seat(int Slot, string Status, string? TeamId, string? Email, DateTimeOffset? ExpiresAt);

public sealed record Seats(IReadOnlyList<Seat> Items);

public sealed record BulkAddMothersRequest(Guid GroupId, int SeatLimit, string Lines);

public sealed record BulkAddAccepted(Guid JobId, bool Created, int Lines);
