using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>
/// A service's stuck messages for operators, under <c>/admin/messages</c>: outbox rows parked after failing their
/// attempts (<c>GET /outbox</c>, <c>POST /outbox/{id}/replay</c>) and messages a consumer failed on through every retry
/// (<c>GET /failed</c>, <c>POST /failed/{id}/replay</c>). Replays are audited.
/// </summary>
public static class MessageAdminEndpoints
{
    public sealed record ParkedMessageResponse(Guid Id, string Type, JsonElement Payload, int Attempts, string? LastError,
        DateTimeOffset CreatedAt, DateTimeOffset? ParkedAt)
    {
        public static ParkedMessageResponse From(OutboxMessage m) =>
            new(m.Id, m.MessageType, Json(m.Payload), m.Attempts, m.LastError, m.CreatedAt, m.ParkedAt);
    }

    /// <param name="Status"><c>failed</c>, or <c>replayed</c> once sent back (until it fails again).</param>
    public sealed record FailedMessageResponse(Guid Id, string Endpoint, Guid MessageId, string Type, JsonElement Payload, string Error,
        int Failures, string Status, DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt, DateTimeOffset? ReplayedAt)
    {
        public static FailedMessageResponse From(FailedMessage m) =>
            new(m.Id, m.Endpoint, m.MessageId, m.MessageType, Json(m.Payload), m.Error, m.Failures, m.ReplayedAt is null ? "failed" : "replayed",
                m.FirstFailedAt, m.LastFailedAt, m.ReplayedAt);
    }

    /// <param name="resource">The grant that opens these endpoints to a non-administrator (<c>pool.messages</c>).</param>
    /// <param name="domain">The <c>X-Domain</c> a replay must name, where the service's admin writes name one.</param>
    public static RouteGroupBuilder MapMessageAdmin<TContext>(this RouteGroupBuilder api, string resource, string? domain = null) where TContext : PlatformDbContext
    {
        var messages = api.MapGroup("/admin/messages").RequirePermission(resource).WithTags("Messages");
        // Handlers take MessageAdmin<TContext> rather than TContext: a bare type parameter crashes the ASP.NET route
        // handler analyzer (dotnet/aspnetcore#56831, fixed in .NET 11).
        messages.MapGet("/outbox", async ([AsParameters] PageRequest page, MessageAdmin<TContext> admin, CancellationToken ct) =>
            TypedResults.Ok(await PageAsync(admin.Parked(), page, ParkedMessageResponse.From, ct)));
        messages.MapGet("/failed", async ([AsParameters] PageRequest page, MessageAdmin<TContext> admin, CancellationToken ct) =>
            TypedResults.Ok(await PageAsync(admin.Failed(), page, FailedMessageResponse.From, ct)));
        var outboxReplay = messages.MapPost("/outbox/{id:guid}/replay", ReplayOutboxAsync<TContext>);
        var failedReplay = messages.MapPost("/failed/{id:guid}/replay", ReplayFailedAsync<TContext>);
        if (domain is not null)
        {
            outboxReplay.RequireDomain(domain);
            failedReplay.RequireDomain(domain);
        }
        return api;
    }

    private static async Task<Results<Ok<ParkedMessageResponse>, ProblemHttpResult>> ReplayOutboxAsync<TContext>(
        Guid id, HttpContext http, MessageAdmin<TContext> admin, TimeProvider time, CancellationToken cancellationToken) where TContext : PlatformDbContext
    {
        if (await admin.ReplayOutboxAsync(id, cancellationToken) is not { } row)
        {
            return Problems.NotFound($"No parked outbox message {id}.");
        }
        admin.Db.Audit(http, "replay_outbox_message", "outbox_message", id.ToString(), null, new { row.MessageType }, time.GetUtcNow());
        await admin.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ParkedMessageResponse.From(row));
    }

    private static async Task<Results<Ok<FailedMessageResponse>, ProblemHttpResult>> ReplayFailedAsync<TContext>(
        Guid id, HttpContext http, MessageAdmin<TContext> admin, TimeProvider time, CancellationToken cancellationToken) where TContext : PlatformDbContext
    {
        var (message, refusal) = await admin.ReplayFailedAsync(id, cancellationToken);
        if (message is null)
        {
            return Problems.NotFound($"No failed message {id}.");
        }
        if (refusal is not null)
        {
            return refusal;
        }
        admin.Db.Audit(http, "replay_failed_message", "failed_message", id.ToString(), null, new { message.Endpoint, message.MessageType }, time.GetUtcNow());
        await admin.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(FailedMessageResponse.From(message));
    }

    private static async Task<PagedResult<TResponse>> PageAsync<TRow, TResponse>(
        IQueryable<TRow> query, PageRequest page, Func<TRow, TResponse> map, CancellationToken cancellationToken)
    {
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return new PagedResult<TResponse>(items.ConvertAll(i => map(i)), total, page.Page, page.PageSize);
    }

    private static JsonElement Json(string payload) => JsonDocument.Parse(payload).RootElement.Clone();
}
