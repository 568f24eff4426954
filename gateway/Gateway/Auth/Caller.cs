using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Platform.ServiceDefaults.Auth;

namespace Gateway.Auth;

/// <summary>Limits identity set on an API key.</summary>
public sealed record CallerLimits(int? RequestsPerMinute, int? Concurrency, decimal? DailyCost);

/// <summary>
/// Who a request comes from, as identity's introspection said (or an anonymous caller at an address), cached at
/// most 30 s. The internal JWT for each service is minted once per cached entry and reused until it expires.
/// </summary>
public sealed class Caller
{
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private readonly IReadOnlyList<Claim> _claims;
    private readonly IReadOnlyList<string> _permissions;

    public Caller(string credentialType, string? credentialId, Guid? userId, IReadOnlyList<string> roles, IReadOnlyList<string> permissions,
        string? email, string? phone, string? csrfToken, CallerLimits? limits, string clientIp, DateTimeOffset resolvedAt, DateTimeOffset cachedUntil,
        IReadOnlyList<string>? scopes = null)
    {
        CredentialType = credentialType;
        Roles = roles;
        _permissions = permissions;
        CredentialId = credentialId;
        UserId = userId;
        CsrfToken = csrfToken;
        Limits = limits;
        Scopes = scopes ?? [];
        ResolvedAt = resolvedAt;
        CachedUntil = cachedUntil;
        var claims = new List<Claim>
        {
            new(InternalClaims.CredentialType, credentialType),
            new(InternalClaims.ClientAddress, clientIp),
        };
        if (userId is { } id) claims.Add(new(InternalClaims.Subject, id.ToString()));
        if (credentialId is not null) claims.Add(new(InternalClaims.CredentialId, credentialId));
        if (email is not null) claims.Add(new(InternalClaims.Email, email));
        if (phone is not null) claims.Add(new(InternalClaims.Phone, phone));
        claims.AddRange(roles.Select(r => new Claim(InternalClaims.Roles, r)));
        // Services can check a key's scopes themselves (pool does on /v1).
        claims.AddRange(Scopes.Select(s => new Claim(InternalClaims.Scope, s)));
        // Pool enforces these on relay traffic, across every gateway instance.
        if (limits?.Concurrency is { } concurrency) claims.Add(new(InternalClaims.KeyConcurrency, concurrency.ToString(CultureInfo.InvariantCulture)));
        if (limits?.DailyCost is { } dailyCost) claims.Add(new(InternalClaims.KeyDailyCost, dailyCost.ToString(CultureInfo.InvariantCulture)));
        _claims = claims;
    }

    public string CredentialType { get; }
    public IReadOnlyList<string> Roles { get; }
    public string? CredentialId { get; }
    public Guid? UserId { get; }
    public string? CsrfToken { get; }
    public CallerLimits? Limits { get; }

    /// <summary>An API key's scopes (<see cref="InternalClaims.Scopes"/>); empty for other credentials.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>Whether the caller may reach what <paramref name="scope"/> covers: any token or session, an API key only with that scope.</summary>
    public bool HasScope(string scope) => CredentialType != InternalClaims.Types.ApiKey || Scopes.Contains(scope);
    public DateTimeOffset ResolvedAt { get; }
    public DateTimeOffset CachedUntil { get; }

    public bool IsAnonymous => UserId is null;

    /// <summary>
    /// The <c>Authorization</c> header value carrying the internal JWT for one service, built once per entry. The
    /// token outlives the cache entry (60 s against at most 30 s).
    /// </summary>
    public string AuthorizationFor(string audience, InternalTokenIssuer issuer) =>
        _tokens.GetOrAdd(audience, (aud, state) => "Bearer " + state.issuer.Issue(aud, state.caller.ClaimsFor(aud), InternalTokenIssuer.MaxLifetime), (issuer, caller: this));

    /// <summary>The common claims plus the caller's grants on this audience's resources only (a pool token carries no promo grants).</summary>
    private IReadOnlyList<Claim> ClaimsFor(string audience)
    {
        var own = _permissions.Where(p => p.StartsWith(audience, StringComparison.Ordinal) && p.Length > audience.Length && p[audience.Length] == '.').ToList();
        return own.Count == 0 ? _claims : [.. _claims, .. own.Select(p => new Claim(InternalClaims.Permissions, p))];
    }
}
