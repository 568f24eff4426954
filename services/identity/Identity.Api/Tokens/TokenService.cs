using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Identity.Api.Tokens;

public sealed record IssuedToken(string AccessToken, Guid Id, DateTimeOffset ExpiresAt);

/// <summary>Opaque bearer tokens: issue, resolve with sliding renewal, revoke.</summary>
public sealed class TokenService(IdentityDbContext db, TimeProvider time, IOptions<IdentityLimits> options)
{
    private readonly IdentityLimits _limits = options.Value;

    /// <summary>Adds a new token for the user to the context; the caller saves it with the rest of the sign-in.</summary>
    public IssuedToken Issue(Guid userId, string? clientInfo)
    {
        var raw = IdentitySecrets.NewSecret();
        var now = time.GetUtcNow();
        var token = new UserToken
        {
            Id = Guid.CreateVersion7(),
            TokenHash = IdentitySecrets.Hash(raw),
            UserId = userId,
            CreatedAt = now,
            LastUsedAt = now,
            ExpiresAt = now + _limits.TokenLifetime,
            AbsoluteExpiresAt = now + _limits.TokenAbsoluteLifetime,
            ClientInfo = clientInfo is { Length: > 200 } ? clientInfo[..200] : clientInfo,
        };
        db.UserTokens.Add(token);
        return new IssuedToken(raw, token.Id, token.ExpiresAt);
    }

    /// <summary>
    /// The live token for a raw value, slid forward: each use moves expiry to now + the token lifetime, capped by the
    /// absolute lifetime, written at most once per slide throttle per token (the conditional UPDATE keeps it to one writer).
    /// </summary>
    public async Task<UserToken?> ResolveAsync(string raw, CancellationToken cancellationToken)
    {
        var hash = IdentitySecrets.Hash(raw);
        var now = time.GetUtcNow();
        var token = await db.UserTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now || token.AbsoluteExpiresAt <= now)
        {
            return null;
        }

        if (now - token.LastUsedAt >= _limits.TokenSlideThrottle)
        {
            var slid = Min(now + _limits.TokenLifetime, token.AbsoluteExpiresAt);
            var throttle = now - _limits.TokenSlideThrottle;
            await db.UserTokens
                .Where(t => t.Id == token.Id && t.RevokedAt == null && t.LastUsedAt <= throttle)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, slid).SetProperty(t => t.LastUsedAt, now), cancellationToken);
            token.ExpiresAt = slid;
            token.LastUsedAt = now;
        }
        return token;
    }

    /// <summary>Revokes one token by id; true when it was live.</summary>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.UserTokens.Where(t => t.Id == id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken) > 0;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
