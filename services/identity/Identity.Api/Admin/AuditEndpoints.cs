using Identity.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Http;

namespace Identity.Api.Admin;

/// <summary>
/// identity's audit log (roles, grants, bans, API key and user status changes), newest first, for administrators:
/// the rows are written with every change; this only reads them.
/// </summary>
public static class AuditEndpoints
{
    /// <param name="Before">The entity as JSON before the change (null when it was created).</param>
    /// <param name="After">The entity as JSON after the change (null when it was removed).</param>
    public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string? ActorIp, string Action, string Entity, string? EntityId,
        string? Before, string? After);

    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder administrators)
    {
        administrators.MapGet("/audit", ListAsync);
        return administrators;
    }

    private static async Task<Results<Ok<PagedResult<AuditEntry>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, string? action, string? entityId, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var rows = db.AuditLogs.AsNoTracking();
        if (!string.IsNullOrEmpty(action))
        {
            rows = rows.Where(a => a.Action == action);
        }
        if (!string.IsNullOrEmpty(entityId))
        {
            rows = rows.Where(a => a.EntityId == entityId);
        }
        var total = await rows.LongCountAsync(cancellationToken);
        var items = await rows.OrderByDescending(a => a.Id).Skip(page.Skip).Take(page.PageSize)
            .Select(a => new AuditEntry(a.Id, a.At, a.Actor, a.ActorIp, a.Action, a.Entity, a.EntityId, a.Before, a.After))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<AuditEntry>(items, total, page.Page, page.PageSize));
    }
}
