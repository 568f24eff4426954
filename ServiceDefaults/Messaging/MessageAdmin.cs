using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>What an operator does with the messages that did not go through: look at them, and replay them.</summary>
public sealed class MessageAdmin<TContext>(TContext db, IServiceProvider services, OutboxSignal signal, TimeProvider time)
    where TContext : PlatformDbContext
{
    public TContext Db => db;

    /// <summary>Parked outbox rows, newest first.</summary>
    public IQueryable<OutboxMessage> Parked() =>
        db.OutboxMessages.AsNoTracking().Where(m => m.ParkedAt != null && m.DispatchedAt == null).OrderByDescending(m => m.ParkedAt).ThenBy(m => m.Id);

    public IQueryable<FailedMessage> Failed() =>
        db.FailedMessages.AsNoTracking().OrderByDescending(m => m.LastFailedAt).ThenBy(m => m.Id);

    /// <summary>Puts a parked row back in line with fresh attempts and wakes the dispatcher; null when no such parked row.</summary>
    public async Task<OutboxMessage?> ReplayOutboxAsync(Guid id, CancellationToken cancellationToken)
    {
        var rows = await db.OutboxMessages.FromSql($"""
            UPDATE outbox_messages SET parked_at = NULL, attempts = 0
            WHERE id = {id} AND parked_at IS NOT NULL AND dispatched_at IS NULL
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return null;
        }
        signal.Notify();
        return rows[0];
    }

    /// <summary>
    /// Sends a failed message back to the endpoint whose consumer failed on it, with its own message id (the inbox
    /// still applies it once); null when there is no such row. A type this service no longer knows is an error.
    /// </summary>
    public async Task<(FailedMessage? Message, ProblemHttpResult? Refusal)> ReplayFailedAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await db.FailedMessages.FirstOrDefaultAsync(m => m.Id == id, cancellationToken) is not { } failed)
        {
            return (null, null);
        }
        if (Type.GetType(failed.MessageType, throwOnError: false) is not { } type)
        {
            return (failed, Problems.Conflict("message_type_unknown", $"Message type '{failed.MessageType}' is not known to this service."));
        }
        if (services.GetService<ISendEndpointProvider>() is not { } endpoints)
        {
            return (failed, Problems.Create(StatusCodes.Status503ServiceUnavailable, "broker_unavailable",
                "No broker is configured (ConnectionStrings:messaging): nothing can be replayed."));
        }
        var message = JsonSerializer.Deserialize(failed.Payload, type, Outbox.Json)!;
        var endpoint = await endpoints.GetSendEndpoint(new Uri($"queue:{failed.Endpoint}"));
        await endpoint.Send(message, type, context => context.MessageId = failed.MessageId, cancellationToken);
        failed.ReplayedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return (failed, null);
    }
}
