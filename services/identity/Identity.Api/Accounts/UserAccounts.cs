using Identity.Api.Codes;
using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts.Identity;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Messaging;

namespace Identity.Api.Accounts;

/// <summary>Finds the user a verified target belongs to, creating them (and announcing it) the first time.</summary>
public sealed class UserAccounts(IdentityDbContext db, TimeProvider time, IOptions<IdentityOptions> options)
{
    /// <summary>
    /// Call inside the sign-in transaction: the new user and its <c>UserRegistered</c> commit together, and an
    /// existing user's row stays locked until the credential is issued, so a concurrent <c>UserDisabled</c> either
    /// comes first (and the sign-in is refused) or waits and then revokes the new credential too.
    /// </summary>
    public async Task<(User User, bool IsNew)> FindOrCreateAsync(Channel channel, string target, CancellationToken cancellationToken)
    {
        var user = channel == Channel.Email
            ? await db.Users.FromSql($"SELECT * FROM users WHERE email = {target} FOR UPDATE").FirstOrDefaultAsync(cancellationToken)
            : await db.Users.FromSql($"SELECT * FROM users WHERE phone = {target} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);
        var isNew = user is null;
        if (user is null)
        {
            user = new User
            {
                Id = Guid.CreateVersion7(),
                Email = channel == Channel.Email ? target : null,
                Phone = channel == Channel.Sms ? target : null,
                CreatedAt = time.GetUtcNow(),
            };
            db.Users.Add(user);
            db.AddEvent(new UserRegistered(user.Id, user.Email, user.Phone, user.CreatedAt));
        }

        // Administrators are bootstrapped from configuration (Identity:Admins) the first time they sign in.
        if (options.Value.Admins.Contains(target, StringComparer.OrdinalIgnoreCase) && !user.Roles.Contains(UserRoles.Admin))
        {
            user.Roles = [.. user.Roles, UserRoles.Admin];
        }

        user.LastSignInAt = time.GetUtcNow();
        return (user, isNew);
    }

    /// <summary>The user, with their row locked until the transaction ends (see <see cref="FindOrCreateAsync"/>).</summary>
    public Task<User?> FindLockedAsync(Guid id, CancellationToken cancellationToken) =>
        db.Users.FromSql($"SELECT * FROM users WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);
}
