using Platform.Contracts.Identity;
using Platform.ServiceDefaults.Messaging;
using Users.Api.Data;

namespace Users.Api.Profiles;

public sealed class UserRegisteredConsumer(UsersDbContext db, TimeProvider time) : InboxConsumer<UserRegistered, UsersDbContext>(db, time)
{
    protected override Task HandleAsync(UserRegistered message, CancellationToken cancellationToken) =>
        Db.UpsertAsync(message.UserId, message.Email, message.Phone, message.RegisteredAt, cancellationToken);
}
