using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Pool;
using Platform.Contracts.Users;
using Platform.ServiceDefaults.Messaging;
using Users.Api.Data;
using Users.Api.RedeemCodes;

namespace Users.Api.Redemptions;

/// <summary>
/// Every change of a redemption's state, and of its code with it (docs/users.md has the diagram across users and
/// pool): opened pending with its code reserved; fulfilled (code used) or failed (code back to unused) by pool's
/// answer; marked cancel-requested when pool has not answered in time. Callers hold the redemption's row lock
/// (<see cref="RedemptionRows"/>) before its code's, and save.
/// </summary>
public static class RedemptionTransitions
{
    /// <summary>A pending redemption of the code the caller has just reserved, and the request to pool to seat it.</summary>
    public static Redemption Open(UsersDbContext db, Guid redemptionId, Guid userId, string email, RedeemCode code, DateTimeOffset now)
    {
        var redemption = new Redemption { Id = redemptionId, UserId = userId, CodeId = code.Id, Email = email, CreatedAt = now, UpdatedAt = now };
        db.Redemptions.Add(redemption);
        db.AddEvent(new RedeemCodeRedeemed(redemptionId, userId, email, code.PoolGroupId, code.SeatDays, now));
        return redemption;
    }

    /// <summary>pool seated it: fulfilled, and its code used (only if this redemption still holds it).</summary>
    public static Task FulfilAsync(UsersDbContext db, Redemption redemption, SeatAllocated seat, DateTimeOffset now, CancellationToken cancellationToken)
    {
        redemption.Status = RedemptionStatus.Fulfilled;
        redemption.MotherId = seat.MotherId;
        redemption.TeamId = seat.TeamId;
        redemption.SeatExpiresAt = seat.ExpiresAt;
        redemption.UpdatedAt = now;
        return db.RedeemCodes.Where(c => c.Id == redemption.CodeId && c.RedemptionId == redemption.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, RedeemCodeStatus.Used).SetProperty(c => c.UsedBy, redemption.UserId)
                .SetProperty(c => c.UsedAt, now).SetProperty(c => c.MotherId, seat.MotherId).SetProperty(c => c.TeamId, seat.TeamId), cancellationToken);
    }

    /// <summary>The redemption failed: its code goes back to unused (only if this redemption still holds it).</summary>
    public static Task FailAsync(UsersDbContext db, Redemption redemption, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        redemption.Status = RedemptionStatus.Failed;
        redemption.Reason = reason.Length > 300 ? reason[..300] : reason;
        redemption.UpdatedAt = now;
        return db.RedeemCodes.Where(c => c.Id == redemption.CodeId && c.RedemptionId == redemption.Id && c.Status == RedeemCodeStatus.Reserved)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, RedeemCodeStatus.Unused).SetProperty(c => c.RedemptionId, (Guid?)null), cancellationToken);
    }

    /// <summary>
    /// pool did not answer in time: ask it to cancel. The redemption stays pending until pool confirms, and a late
    /// <c>SeatAllocated</c> is ignored from now on.
    /// </summary>
    public static void RequestCancel(UsersDbContext db, Redemption redemption, DateTimeOffset now)
    {
        redemption.CancelRequestedAt = now;
        db.AddEvent(new CancelSeatAllocation(redemption.Id, now));
    }
}

/// <summary>Redemption rows locked (FOR UPDATE) until the caller's transaction ends, so one change decides.</summary>
public static class RedemptionRows
{
    /// <summary>The redemption while still pending; null once it has an outcome.</summary>
    public static Task<Redemption?> LockPendingAsync(UsersDbContext db, Guid redemptionId, CancellationToken cancellationToken) =>
        db.Redemptions.FromSql($"SELECT * FROM redemptions WHERE id = {redemptionId} AND status = 'pending' FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>Up to <paramref name="limit"/> pending redemptions opened before <paramref name="due"/> and not yet cancel-requested, skipping rows another transaction holds.</summary>
    public static Task<List<Redemption>> LockOverdueAsync(UsersDbContext db, DateTimeOffset due, int limit, CancellationToken cancellationToken) =>
        db.Redemptions
            .FromSql($"SELECT * FROM redemptions WHERE status = 'pending' AND cancel_requested_at IS NULL AND created_at <= {due} ORDER BY created_at LIMIT {limit} FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);
}
