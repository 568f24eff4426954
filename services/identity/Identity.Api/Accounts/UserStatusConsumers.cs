using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Identity;
using Platform.Contracts.Users;
using Platform.ServiceDefaults.Messaging;

namespace Identity.Api.Accounts;

/// <summary>
/// users disabled someone: refuse their credentials from now on (introspection checks the status) and revoke
/// their tokens, so enabling them again does not bring old tokens back.
/// </summary>
public sealed class UserDisabledConsumer(IdentityDbContext db, TimeProvider time) : InboxConsumer<UserDisabled, IdentityDbContext>(db, time)
{
    protected override async Task HandleAsync(UserDisabled message, CancellationToken cancellationToken)
    {
        await Db.Users.Where(u => u.Id == message.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Disabled), cancellationToken);
        await Db.UserTokens.Where(t => t.UserId == message.UserId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, message.DisabledAt), cancellationToken);
        // Gateways also hear UserDisabled, but may re-introspect before this commits: this one comes after.
        Db.AddEvent(new UserCredentialsRevoked(message.UserId, message.DisabledAt));
    }
}

public sealed class UserEnabledConsumer(IdentityDbContext db, TimeProvider time) : InboxConsumer<UserEnabled, IdentityDbContext>(db, time)
{
    protected override Task HandleAsync(UserEnabled message, CancellationToken cancellationToken) =>
        Db.Users.Where(u => u.Id == message.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Status, UserStatus.Active), cancellationToken);
}
