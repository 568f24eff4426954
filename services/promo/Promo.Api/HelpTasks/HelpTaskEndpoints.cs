using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Promo.Api.Data;

namespace Promo.Api.HelpTasks;

/// <summary>
/// Help tasks as their owners and helpers see them (progress by task number), and the payout ledger as admins
/// review it: a payout the risk checks held is approved or rejected, with a note, and audited.
/// </summary>
public static class HelpTaskEndpoints
{
    public sealed record HelpTaskResponse(string TaskNo, HelpTaskStatus Status, int RequiredHelpers, int ReceivedHelpers, int PendingHelpers,
        bool Mine, string? OrderBid, DateTimeOffset CreatedAt, DateTimeOffset? QualifiedAt, DateTimeOffset? PayoutAt);

    public sealed record PayoutResponse(Guid Id, string TaskNo, string UserBid, string OrderBid, decimal Amount, IReadOnlyList<string> HelperUserBids,
        IReadOnlyList<string> HelperOrderBids, DateTimeOffset QualifiedAt, DateTimeOffset PayoutAt, PayoutStatus PayoutStatus, RiskLevel RiskLevel,
        IReadOnlyList<string> RiskReasons, string? Note, string? Operator, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    public sealed record ReviewRequest(string? Note);

    public static RouteGroupBuilder MapHelpTasks(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/help-tasks").WithTags("Help tasks");
        tasks.MapGet("/", ListMineAsync);
        tasks.MapGet("/{taskNo}", GetAsync);

        var payouts = api.MapGroup("/payouts").RequirePermission(Permissions.Promo.Payouts).WithTags("Payouts");
        payouts.MapGet("/", ListPayoutsAsync);
        payouts.MapPost("/{id:guid}/approve", (Guid id, ReviewRequest? request, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken ct) =>
            ReviewAsync(id, PayoutStatus.Approved, request, http, db, time, ct)).RequireDomain("promo");
        payouts.MapPost("/{id:guid}/reject", (Guid id, ReviewRequest? request, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken ct) =>
            ReviewAsync(id, PayoutStatus.Rejected, request, http, db, time, ct)).RequireDomain("promo");
        return api;
    }

    private static async Task<Ok<List<HelpTaskResponse>>> ListMineAsync(ClaimsPrincipal user, PromoDbContext db, CancellationToken cancellationToken)
    {
        var me = user.RequiredUserId().ToString("N");
        var tasks = await db.HelpTasks.AsNoTracking().Where(t => t.OwnerUserBid == me).OrderByDescending(t => t.CreatedAt).Take(200).ToListAsync(cancellationToken);
        var counts = await HelpCountsAsync(db, tasks.ConvertAll(t => t.Id), cancellationToken);
        return TypedResults.Ok(tasks.ConvertAll(t => ToResponse(t, counts, me)));
    }

    /// <summary>Anyone signed in may look a task up by its number (that is how helpers find it); only its owner sees its order.</summary>
    private static async Task<Results<Ok<HelpTaskResponse>, ProblemHttpResult>> GetAsync(
        string taskNo, ClaimsPrincipal user, PromoDbContext db, CancellationToken cancellationToken) =>
        await db.HelpTasks.AsNoTracking().FirstOrDefaultAsync(t => t.TaskNo == taskNo, cancellationToken) is { } task
            ? TypedResults.Ok(await ToResponseAsync(db, task, user.RequiredUserId().ToString("N"), cancellationToken))
            : Problems.NotFound($"Help task {taskNo} does not exist.");

    private static async Task<Results<Ok<PagedResult<PayoutResponse>>, ValidationProblem>> ListPayoutsAsync(
        [AsParameters] PageRequest page, PayoutStatus? status, PromoDbContext db, CancellationToken cancellationToken)
    {
        var query = db.PayoutLedger.AsNoTracking();
        if (status is { } s) query = query.Where(p => p.PayoutStatus == s);
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderByDescending(p => p.CreatedAt).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<PayoutResponse>(items.ConvertAll(ToResponse), total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<PayoutResponse>, ValidationProblem, ProblemHttpResult>> ReviewAsync(
        Guid id, PayoutStatus decision, ReviewRequest? request, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request?.Note is { Length: > 500 })
        {
            return Invalid.Field("note", "note is at most 500 characters.");
        }
        return await db.InTransactionAsync<Results<Ok<PayoutResponse>, ValidationProblem, ProblemHttpResult>>(async ct =>
        {
            var payout = await db.PayoutLedger.FromSql($"SELECT * FROM payout_ledger WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);
            if (payout is null)
            {
                return Problems.NotFound($"Payout {id} does not exist.");
            }
            if (payout.PayoutStatus != PayoutStatus.PendingReview)
            {
                return Problems.Conflict("payout_not_pending", $"Payout {id} is {payout.PayoutStatus.ToString().ToLowerInvariant()}, not waiting for review.");
            }
            var before = ToResponse(payout);
            payout.PayoutStatus = decision;
            payout.Note = request?.Note?.Trim();
            payout.Operator = http.User.FindFirstValue(InternalClaims.Subject);
            payout.UpdatedAt = time.GetUtcNow();
            var taskStatus = decision == PayoutStatus.Approved ? HelpTaskStatus.PaidOut : HelpTaskStatus.Rejected;
            await db.HelpTasks.Where(t => t.Id == payout.TaskId && t.Status == HelpTaskStatus.Review)
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, taskStatus), ct);
            db.Audit(http, decision == PayoutStatus.Approved ? "approve_payout" : "reject_payout", "payout", id.ToString(), before, ToResponse(payout), payout.UpdatedAt);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(ToResponse(payout));
        }, cancellationToken);
    }

    private static async Task<HelpTaskResponse> ToResponseAsync(PromoDbContext db, HelpTask task, string viewer, CancellationToken cancellationToken) =>
        ToResponse(task, await HelpCountsAsync(db, [task.Id], cancellationToken), viewer);

    /// <summary>Live helps per task and status, for any number of tasks in one query.</summary>
    private static async Task<Dictionary<(Guid, HelpStatus), int>> HelpCountsAsync(PromoDbContext db, List<Guid> taskIds, CancellationToken cancellationToken) =>
        (await db.Helps.AsNoTracking().Where(h => taskIds.Contains(h.TaskId) && h.Status != HelpStatus.Void)
            .GroupBy(h => new { h.TaskId, h.Status }).Select(g => new { g.Key.TaskId, g.Key.Status, Count = g.Count() }).ToListAsync(cancellationToken))
        .ToDictionary(c => (c.TaskId, c.Status), c => c.Count);

    private static HelpTaskResponse ToResponse(HelpTask task, Dictionary<(Guid, HelpStatus), int> counts, string viewer)
    {
        int Count(HelpStatus status) => counts.GetValueOrDefault((task.Id, status));
        var mine = task.OwnerUserBid == viewer;
        return new(task.TaskNo, task.Status, task.RequiredHelpers, Count(HelpStatus.Received), Count(HelpStatus.Pending), mine,
            mine ? task.OrderBid : null, task.CreatedAt, task.QualifiedAt, task.PayoutAt);
    }

    private static PayoutResponse ToResponse(PayoutEntry p) =>
        new(p.Id, p.TaskNo, p.UserBid, p.OrderBid, p.Amount, p.HelperUserBids, p.HelperOrderBids, p.QualifiedAt, p.PayoutAt, p.PayoutStatus,
            p.RiskLevel, p.RiskReasons, p.Note, p.Operator, p.CreatedAt, p.UpdatedAt);
}
