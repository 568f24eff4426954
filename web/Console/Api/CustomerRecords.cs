namespace WebConsole.Api;

// What a signed-in person reads and changes of their own: profile, API keys, relay usage.

public sealed record UpdateProfileRequest(string? DisplayName, string? Locale);

public sealed record ApiKeyLimits(int? RequestsPerMinute, int? Concurrency, decimal? DailyCost);

public sealed record ApiKey(Guid Id, string Name, string Prefix, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, ApiKeyLimits Limits);

public sealed record CreateApiKeyRequest(string? Name, DateTimeOffset? ExpiresAt, ApiKeyLimits? Limits);

/// <summary>The only answer that carries the raw key.</summary>
public sealed record CreatedApiKey(string Key, ApiKey ApiKey);

public sealed record UsageRow(DateTimeOffset BucketStart, string Group, long InputTokens, long OutputTokens, long CacheCreateTokens,
    long CacheReadTokens, long Requests, decimal Cost);

public sealed record Usage(string By, string Period, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UsageRow> Items);
