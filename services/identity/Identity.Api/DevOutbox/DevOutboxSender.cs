using Identity.Api.Codes;
using Identity.Api.Data;

namespace Identity.Api.DevOutbox;

/// <summary>Development sender: keeps the code in <c>dev_outbox</c> to be read back (saved by the caller).</summary>
public sealed class DevOutboxSender(IdentityDbContext db, TimeProvider time) : ICodeSender
{
    public Task SendAsync(Channel channel, string target, string code, TimeSpan validFor, CancellationToken cancellationToken)
    {
        db.DevOutbox.Add(new DevOutboxMessage { Channel = channel, Target = target, Code = code, SentAt = time.GetUtcNow() });
        return Task.CompletedTask;
    }
}
