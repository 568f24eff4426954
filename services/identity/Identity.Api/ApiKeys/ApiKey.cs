using Platform.ServiceDefaults.Auth;

namespace Identity.Api.ApiKeys;

/// <summary>A row of <c>api_keys</c>: the raw key is shown once at creation; only its SHA-256 and a visible prefix stay.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    /// <summary>The first characters of the key (<c>sk-AbCd12</c>), so people can tell their keys apart.</summary>
    public required string Prefix { get; set; }
    public required string KeyHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public int? RequestsPerMinute { get; set; }
    public int? Concurrency { get; set; }
    public decimal? DailyCostLimit { get; set; }
    /// <summary>What the key reaches (<see cref="InternalClaims.Scopes"/>): <c>relay</c> for keys made without saying.</summary>
    public List<string> Scopes { get; set; } = [InternalClaims.Scopes.Relay];

    public bool IsLive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
