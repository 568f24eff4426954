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
    /// <summary>Call inside the sign-in transaction: the new user and its <c>UserRegistered</c> commit together.</summary>
    public async Task<(User User, bool IsNew)> FindOrCreateAsync(Channel channel, string target, CancellationToken cancellationToken)
    {
        var user = channel == Channel.Email
            ? await db.Users.FirstOrDefaultAsync(u => u.Email == target, cancellationToken)
            : await db.Users.FirstOrDefaultAsync(u => u.Phone == target, cancellationToken);
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
}
