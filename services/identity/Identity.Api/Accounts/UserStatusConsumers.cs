using Identity.Api.Data;
using Identity.Api.Sessions;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Identity;
using Platform.Contracts.Users;
using Platform.ServiceDefaults.Messaging;

namespace Identity.Api.Accounts;

/// <summary>
/// users disabled someone: refuse their credentials from now on (introspection checks the status) and end all of
/// them (tokens and API keys revoked, sessions deleted), so enabling them again brings none of them back.
/// Only live credentials are touched, so a repeated UserDisabled changes nothing more. Events can arrive out of
/// order: one older than the last status change applied (by its version) is ignored.
/// </summary>
public sealed class UserDisabledConsumer(IdentityDbContext db, SessionService sessions, TimeProvider time)
    : InboxConsumer<UserDisabled, IdentityDbContext>(db, time)
{
    protected override async Task HandleAsync(UserDisabled message, CancellationToken cancellationToken)
    {
        // Updating the row waits for a sign-in that holds it, so the credential that sign-in issues is ended below.
        if (!await Db.ApplyStatusAsync(message.UserId, UserStatus.Disabled, message.Version, cancellationToken))
        {
            return;
        }
        await Db.UserTokens.Where(t => t.UserId == message.UserId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, message.DisabledAt), cancellationToken);
        await Db.ApiKeys.Where(k => k.UserId == message.UserId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, message.DisabledAt), cancellationToken);
        await sessions.RevokeAllAsync(message.UserId, cancellationToken);
        // Gateways also hear UserDisabled, but may re-introspect before this commits: this one comes after, and
        // makes them drop every cached token, session and key of the user.
        Db.AddEvent(new UserCredentialsRevoked(message.UserId, message.DisabledAt));
    }
}

public sealed class UserEnabledConsumer(IdentityDbContext db, TimeProvider time) : InboxConsumer<UserEnabled, IdentityDbContext>(db, time)
{
    protected override Task HandleAsync(UserEnabled message, CancellationToken cancellationToken) =>
        Db.ApplyStatusAsync(message.UserId, UserStatus.Active, message.Version, cancellationToken);
}

internal static class UserStatusVersions
{
    /// <summary>
    /// Sets the status only when <paramref name="version"/> is newer than the one applied last, in one conditional
    /// statement; false when the event is stale (or names no user here), and then nothing else may follow from it.
    /// </summary>
    public static async Task<bool> ApplyStatusAsync(this IdentityDbContext db, Guid userId, UserStatus status, long version, CancellationToken cancellationToken) =>
        await db.Users.Where(u => u.Id == userId && u.StatusVersion < version)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, status).SetProperty(u => u.StatusVersion, version), cancellationToken) == 1;
}
