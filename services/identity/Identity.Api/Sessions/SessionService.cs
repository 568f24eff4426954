using System.Globalization;
using Platform.ServiceDefaults.Sessions;

namespace Identity.Api.Sessions;

public sealed record IssuedSession(string SessionId, string CredentialId, string CsrfToken, DateTimeOffset ExpiresAt);

public sealed record SessionRecord(Guid UserId, string CredentialId, DateTimeOffset ExpiresAt);

/// <summary>
/// Cookie sessions kept server-side in <see cref="ISessionStore"/> under the SHA-256 of the session id (the
/// credential id), so the store never holds a usable cookie value.
/// </summary>
public sealed class SessionService(ISessionStore store, IdentitySecrets secrets, TimeProvider time)
{
    public async Task<IssuedSession> CreateAsync(Guid userId, CancellationToken cancellationToken)
    {
        var sid = IdentitySecrets.NewSecret();
        var credentialId = IdentitySecrets.Hash(sid);
        var expiresAt = time.GetUtcNow() + Limits.SessionLifetime;
        await store.SetAsync(Key(credentialId), $"{userId}|{expiresAt.ToUnixTimeSeconds()}", Limits.SessionLifetime, cancellationToken);
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
    public Task<bool> RevokeAsync(string credentialId, CancellationToken cancellationToken) => store.DeleteAsync(Key(credentialId), cancellationToken);

    private static string Key(string credentialId) => "session:" + credentialId;
}
