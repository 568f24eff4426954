using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Data;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>
/// A consumer that applies each message once: an <c>inbox_messages</c> row keyed by (consumer, message id) is
/// written in the same transaction as the effect. A redelivery finds the row and changes nothing; a concurrent
/// duplicate waits on the row's unique key and then finds it. Failures roll both back and MassTransit retries.
/// </summary>
public abstract class InboxConsumer<TMessage, TContext>(TContext db, TimeProvider time) : IConsumer<TMessage>
    where TMessage : class
    where TContext : PlatformDbContext
{
    protected TContext Db => db;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id.");
        var consumer = GetType().Name;
        await db.InTransactionAsync(async ct =>
        {
            var first = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO inbox_messages (consumer, message_id, processed_at) VALUES ({consumer}, {messageId}, {time.GetUtcNow()})
                ON CONFLICT DO NOTHING
                """, ct) == 1;
            if (first)
            {
                await HandleAsync(context.Message, ct);
                await db.SaveChangesAsync(ct);
            }
        }, context.CancellationToken);
    }

    /// <summary>The effect: change the context (it is saved with the inbox row) or run statements on it.</summary>
    protected abstract Task HandleAsync(TMessage message, CancellationToken cancellationToken);
}
