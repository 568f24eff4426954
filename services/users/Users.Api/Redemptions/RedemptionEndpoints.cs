using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Users.Api.Data;
using Users.Api.Profiles;
using Users.Api.RedeemCodes;

namespace Users.Api.Redemptions;

public static class RedemptionEndpoints
{
    public sealed record RedeemRequest(string? Code);

    public sealed record SeatResponse(Guid MotherId, string TeamId, string Email, DateTimeOffset? ExpiresAt);

    public sealed record RedemptionResponse(Guid Id, RedemptionStatus Status, SeatResponse? Seat, string? Reason, DateTimeOffset CreatedAt)
    {
        public static RedemptionResponse From(Redemption r) => new(r.Id, r.Status,
            r is { Status: RedemptionStatus.Fulfilled, MotherId: { } mother, TeamId: { } team } ? new SeatResponse(mother, team, r.Email, r.SeatExpiresAt) : null,
            r.Reason, r.CreatedAt);
    }

    public static RouteGroupBuilder MapRedemptions(this RouteGroupBuilder api)
    {
        var redemptions = api.MapGroup("/redemptions").WithTags("Redemptions");
        redemptions.MapPost("/", RedeemAsync);
        redemptions.MapGet("/", ListAsync);
        redemptions.MapGet("/{id:guid}", GetAsync);
        return api;
    }

    /// <summary>
    /// Reserves the code with a compare-and-set (unused → reserved: of any number of concurrent callers exactly one
    /// wins) and, in the same transaction, records the redemption and the <c>RedeemCodeRedeemed</c> event for pool.
    /// </summary>
    private static async Task<Results<Accepted<RedemptionResponse>, ProblemHttpResult>> RedeemAsync(
        RedeemRequest request, ClaimsPrincipal principal, UsersDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Trim().Length > 64)
        {
            return Problems.BadRequest("invalid_code", "code is required.");
        }
        if (principal.FindFirstValue(InternalClaims.Email) is not { Length: > 0 } email)
        {
            return Problems.BadRequest("email_required", "Redeeming needs a verified email: sign in with your email first.");
        }
        var userId = principal.RequiredUserId();
        await db.EnsureProfileAsync(principal, time, cancellationToken);
        var hash = RedeemCode.Hash(request.Code);

        return await db.InTransactionAsync<Results<Accepted<RedemptionResponse>, ProblemHttpResult>>(async ct =>
        {
            var now = time.GetUtcNow();
            var redemptionId = Guid.CreateVersion7();
            var reserved = await db.RedeemCodes
                .Where(c => c.CodeHash == hash && c.Status == RedeemCodeStatus.Unused && (c.ExpiresAt == null || c.ExpiresAt > now))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, RedeemCodeStatus.Reserved).SetProperty(c => c.RedemptionId, redemptionId), ct);
            var code = await db.RedeemCodes.AsNoTracking().FirstOrDefaultAsync(c => c.CodeHash == hash, ct);
            if (reserved == 0 || code is null)
            {
                return code?.EffectiveStatus(now) switch
                {
                    null => Problems.BadRequest("invalid_code", "No such redeem code."),
                    RedeemCodeStatus.Disabled => Problems.BadRequest("code_disabled", "This code has been disabled."),
                    RedeemCodeStatus.Expired => Problems.BadRequest("code_expired", "This code has expired."),
                    _ => Problems.Conflict("code_taken", "This code has already been redeemed."),
                };
            }

            var redemption = RedemptionTransitions.Open(db, redemptionId, userId, email, code, now);
            await db.SaveChangesAsync(ct);
            return TypedResults.Accepted($"/api/users/redemptions/{redemptionId}", RedemptionResponse.From(redemption));
        }, cancellationToken);
    }

    private static async Task<Results<Ok<RedemptionResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal principal, UsersDbContext db, CancellationToken cancellationToken)
    {
        var userId = principal.RequiredUserId();
        return await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.UserId == userId, cancellationToken) is { } redemption
            ? TypedResults.Ok(RedemptionResponse.From(redemption))
            : Problems.NotFound($"Redemption {id} does not exist.");
    }

    private static async Task<Results<Ok<PagedResult<RedemptionResponse>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, ClaimsPrincipal principal, UsersDbContext db, CancellationToken cancellationToken)
    {
        var userId = principal.RequiredUserId();
        var own = db.Redemptions.AsNoTracking().Where(r => r.UserId == userId);
        var total = await own.LongCountAsync(cancellationToken);
        var items = await own.OrderByDescending(r => r.CreatedAt).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<RedemptionResponse>(items.ConvertAll(RedemptionResponse.From), total, page.Page, page.PageSize));
    }
}
