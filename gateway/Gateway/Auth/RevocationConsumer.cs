using MassTransit;
using Platform.Contracts.Identity;
using Platform.Contracts.Users;

namespace Gateway.Auth;

/// <summary>
/// Drops cached callers when identity or users revoke something. Each gateway instance consumes on its own
/// temporary queue, so every instance hears every revocation.
/// </summary>
public sealed class RevocationConsumer(CallerCache cache, ILogger<RevocationConsumer> logger) :
    IConsumer<TokenRevoked>, IConsumer<ApiKeyRevoked>, IConsumer<UserDisabled>, IConsumer<UserCredentialsRevoked>, IConsumer<UserRolesChanged>,
    IConsumer<UserPermissionsChanged>
{
    public Task Consume(ConsumeContext<TokenRevoked> context) => DropCredential(context.Message.CredentialId);

    public Task Consume(ConsumeContext<ApiKeyRevoked> context) => DropCredential(context.Message.CredentialId);

    public Task Consume(ConsumeContext<UserDisabled> context) => DropUser(context.Message.UserId);

    public Task Consume(ConsumeContext<UserCredentialsRevoked> context) => DropUser(context.Message.UserId);

    public Task Consume(ConsumeContext<UserRolesChanged> context) => DropUser(context.Message.UserId);

    public Task Consume(ConsumeContext<UserPermissionsChanged> context) => DropUser(context.Message.UserId);

    private Task DropCredential(string credentialId)
    {
        cache.DropCredential(credentialId);
        logger.LogDebug("Dropped a revoked credential from the cache");
        return Task.CompletedTask;
    }

    private Task DropUser(Guid userId)
    {
        cache.DropUser(userId);
        logger.LogDebug("Dropped the cached credentials of user {UserId}", userId);
        return Task.CompletedTask;
    }
}
