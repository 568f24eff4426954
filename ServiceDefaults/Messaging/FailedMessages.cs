using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults.Data;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>
/// Keeps a message its consumer failed on through every retry in <c>failed_messages</c> (with its error), counts it
/// in <c>messaging_consumer_failures_total</c>, and acknowledges it: an operator sees it under
/// <c>.../admin/messages/failed</c> and replays it to the same endpoint once the cause is fixed. If it cannot be
/// recorded (the database is down too), the failure goes on to MassTransit, which moves it to the endpoint's
/// <c>_error</c> queue: never lost either way. The filter runs inside MassTransit's retry (each attempt passes it),
/// so it steps in only on the last attempt, <see cref="MessagingExtensions.ConsumerRetries"/>.
/// </summary>
public sealed class FailedMessageFilter<TMessage>(FailedMessageRecorder recorder) : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested
            && context.GetRetryAttempt() >= MessagingExtensions.ConsumerRetries)
        {
            if (!await recorder.TryRecordAsync(context, ex))
            {
                throw;
            }
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("failedMessages");
}

/// <summary>Writes <see cref="FailedMessage"/> rows into the service's own database.</summary>
public abstract class FailedMessageRecorder
{
    public abstract Task<bool> TryRecordAsync<TMessage>(ConsumeContext<TMessage> context, Exception exception) where TMessage : class;

    /// <summary>The queue a message was received from: the last segment of the input address.</summary>
    internal static string EndpointOf(ConsumeContext context) =>
        context.ReceiveContext.InputAddress.AbsolutePath.TrimEnd('/').Split('/')[^1];
}

public sealed partial class FailedMessageRecorder<TContext>(
    IServiceScopeFactory scopes, MessagingMetrics metrics, TimeProvider time, ILogger<FailedMessageRecorder<TContext>> logger) : FailedMessageRecorder
    where TContext : PlatformDbContext
{
    public override async Task<bool> TryRecordAsync<TMessage>(ConsumeContext<TMessage> context, Exception exception)
    {
        var endpoint = FailedMessageRecorder.EndpointOf(context);
        var messageId = context.MessageId ?? Guid.Empty;
        var error = $"{exception.GetType().Name}: {exception.Message}";
        error = error.Length > 2000 ? error[..2000] : error;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            var now = time.GetUtcNow();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO failed_messages (id, endpoint, message_id, message_type, payload, error, failures, first_failed_at, last_failed_at)
                VALUES ({Guid.CreateVersion7()}, {endpoint}, {messageId}, {Outbox.TypeName(typeof(TMessage))},
                        {JsonSerializer.Serialize(context.Message, Outbox.Json)}::jsonb, {error}, 1, {now}, {now})
                ON CONFLICT (endpoint, message_id) DO UPDATE SET
                    error = excluded.error, failures = failed_messages.failures + 1, last_failed_at = excluded.last_failed_at, replayed_at = NULL
                """, CancellationToken.None);
        }
        catch (Exception recordFailure)
        {
            LogNotRecorded(logger, recordFailure, messageId, endpoint);
            return false;
        }
        metrics.ConsumerFailed(endpoint, typeof(TMessage).Name);
        LogFailed(logger, exception, messageId, typeof(TMessage).Name, endpoint);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} ({Type}) failed every retry on {Endpoint}; kept in failed_messages for replay")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid messageId, string type, string endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} failed on {Endpoint} and could not be recorded; it goes to the error queue")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, Guid messageId, string endpoint);
}
