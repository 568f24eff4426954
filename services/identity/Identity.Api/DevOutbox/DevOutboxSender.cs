using Identity.Api.Codes;
using Identity.Api.Data;

namespace Identity.Api.DevOutbox;

/// <summary>Development sender: keeps the code in <c>dev_outbox</c> (same transaction as the code) to be read back.</summary>
public sealed class DevOutboxSender(IdentityDbContext db, TimeProvider time) : ICodeSender
{
    public Task SendAsync(Channel channel, string target, string code, TimeSpan validFor, CancellationToken cancellationToken)
    {
        db.DevOutbox.Add(new DevOutboxMessage { Channel = channel, Target = target, Code = code, SentAt = time.GetUtcNow() });
        return Task.CompletedTask;
    }
}
