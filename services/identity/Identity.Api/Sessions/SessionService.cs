using System.Globalization;
using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Sessions;

namespace Identity.Api.Sessions;

public sealed record IssuedSession(string SessionId, string CredentialId, string CsrfToken, DateTimeOffset ExpiresAt);

public sealed record SessionRecord(Guid UserId, string CredentialId, DateTimeOffset ExpiresAt);

/// <summary>
/// Cookie sessions kept server-side in <see cref="ISessionStore"/> under the SHA-256 of the session id (the
/// credential id), so the store never holds a usable cookie value. <c>user_sessions</c> indexes them by user.
/// </summary>
public sealed class SessionService(ISessionStore store, IdentityDbContext db, IdentitySecrets secrets, TimeProvider time, IOptions<IdentityLimits> limits)
{
    /// <summary>
    /// Creates a session for the user. Call inside the sign-in transaction, after the user's row is locked: the
    /// index row then commits with the sign-in, and disabling the user waits for it and finds it.
    /// </summary>
    public async Task<IssuedSession> CreateAsync(Guid userId, CancellationToken cancellationToken)
    {
        var sid = IdentitySecrets.NewSecret();
        var credentialId = IdentitySecrets.Hash(sid);
        var now = time.GetUtcNow();
        var lifetime = limits.Value.SessionLifetime;
        var expiresAt = now + lifetime;

        // The user's expired index rows go here, so the table holds about as many rows as there are live sessions.
        await db.UserSessions.Where(s => s.UserId == userId && s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        db.UserSessions.Add(new UserSession { CredentialId = credentialId, UserId = userId, ExpiresAt = expiresAt });
        await db.SaveChangesAsync(cancellationToken);
        await store.SetAsync(Key(credentialId), $"{userId}|{expiresAt.ToUnixTimeSeconds()}", lifetime, cancellationToken);
        return new IssuedSession(sid, credentialId, secrets.CsrfToken(credentialId), expiresAt);
    }

    public async Task<SessionRecord?> ResolveAsync(string sid, CancellationToken cancellationToken)
    {
        var credentialId = IdentitySecrets.Hash(sid);
        if (await store.GetAsync(Key(credentialId), cancellationToken) is not { } value)
        {
            return null;
        }
        var parts = value.Split('|');
        return parts.Length == 2 && Guid.TryParse(parts[0], out var userId) && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var expires)
            ? new SessionRecord(userId, credentialId, DateTimeOffset.FromUnixTimeSeconds(expires))
            : null;
    }

    public string CsrfToken(string credentialId) => secrets.CsrfToken(credentialId);

    /// <summary>Ends a session by credential id; true when it existed.</summary>
    public async Task<bool> RevokeAsync(string credentialId, CancellationToken cancellationToken)
    {
        var existed = await store.DeleteAsync(Key(credentialId), cancellationToken);
        await db.UserSessions.Where(s => s.CredentialId == credentialId).ExecuteDeleteAsync(cancellationToken);
        return existed;
    }

    /// <summary>
    /// Ends every session of the user; how many were live. Store deletes are idempotent, and the index rows go
    /// only with the caller's transaction, so a retry after a failure finds them again.
    /// </summary>
    public async Task<int> RevokeAllAsync(Guid userId, CancellationToken cancellationToken)
    {
        var credentialIds = await db.UserSessions.Where(s => s.UserId == userId).Select(s => s.CredentialId).ToListAsync(cancellationToken);
        var ended = 0;
        foreach (var credentialId in credentialIds)
        {
            ended += await store.DeleteAsync(Key(credentialId), cancellationToken) ? 1 : 0;
        }
        await db.UserSessions.Where(s => credentialIds.Contains(s.CredentialId)).ExecuteDeleteAsync(cancellationToken);
        return ended;
    }

    private static string Key(string credentialId) => "session:" + credentialId;
}
