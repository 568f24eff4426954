using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Pool;
using Platform.Contracts.Users;
using Platform.ServiceDefaults.Messaging;
using Pool.Api.Data;

namespace Pool.Api.Seats;

/// <summary>
/// Every change of a seat allocation's status, with the answer to users that goes with it (docs/users.md has the
/// diagram across users and pool): pending on users' request, then allocated, failed or cancelled; an allocated
/// seat ends expired or cancelled. A cancellation that arrives before its request is recorded as a cancelled row
/// the request then finds. Callers lock the row (<see cref="SeatAllocationRows"/>) in their transaction and save.
/// </summary>
public static class SeatAllocationTransitions
{
    /// <summary>users' request as a pending allocation, once per redemption id: false when the id is known already.</summary>
    public static async Task<bool> RequestAsync(PoolDbContext db, RedeemCodeRedeemed request, string email, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO seat_allocations (redemption_id, user_id, email, group_id, seat_days, status, cancel_requested, created_at, updated_at)
            VALUES ({request.RedemptionId}, {request.UserId}, {email}, {request.PoolGroupId}, {request.SeatDays}, 'pending', false, {now}, {now})
            ON CONFLICT (redemption_id) DO NOTHING
            """, cancellationToken) == 1;

    /// <summary>A request pool refuses as asked (<paramref name="detail"/> says why): failed at once, and users told.</summary>
    public static async Task RefuseAsync(PoolDbContext db, Guid redemptionId, string detail, CancellationToken cancellationToken)
    {
        await db.SeatAllocations.Where(a => a.RedemptionId == redemptionId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Status, AllocationStatus.Failed).SetProperty(a => a.Reason, "invalid_request"), cancellationToken);
        db.AddEvent(new SeatAllocationFailed(redemptionId, detail));
    }

    /// <summary>
    /// A cancellation ahead of its request: a cancelled row that makes the request a no-op, and users answered.
    /// False when the redemption is known already (then lock it and <see cref="RequestCancel"/>).
    /// </summary>
    public static async Task<bool> CancelBeforeRequestAsync(PoolDbContext db, Guid redemptionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO seat_allocations (redemption_id, user_id, email, group_id, seat_days, status, cancel_requested, reason, created_at, updated_at)
            VALUES ({redemptionId}, {Guid.Empty}, '', {Guid.Empty}, 0, 'cancelled', true, 'cancelled before the request arrived', {now}, {now})
            ON CONFLICT (redemption_id) DO NOTHING
            """, cancellationToken);
        if (inserted == 1)
        {
            db.AddEvent(new SeatAllocationCancelled(redemptionId, false));
        }
        return inserted == 1;
    }

    /// <summary>users gave up waiting: flagged; the allocation job or the release job ends it and answers.</summary>
    public static void RequestCancel(SeatAllocation allocation, DateTimeOffset now)
    {
        allocation.CancelRequested = true;
        allocation.UpdatedAt = now;
    }

    /// <summary>A repeated cancellation of an allocation that has ended: answered again, with what its end did.</summary>
    public static void AnswerCancelAgain(PoolDbContext db, SeatAllocation allocation) =>
        db.AddEvent(new SeatAllocationCancelled(allocation.RedemptionId, allocation.Reason == SeatCancellation.SeatRemovedReason));

    /// <summary>The email is on the team: allocated on <paramref name="seat"/> until <paramref name="expiresAt"/>, and users told.</summary>
    public static void Allocate(PoolDbContext db, SeatAllocation allocation, Seat seat, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        allocation.Status = AllocationStatus.Allocated;
        allocation.MotherId = seat.MotherId;
        allocation.TeamId = seat.TeamId;
        allocation.Slot = seat.Slot;
        allocation.ExpiresAt = expiresAt;
        allocation.UpdatedAt = now;
        db.AddEvent(new SeatAllocated(allocation.RedemptionId, seat.MotherId, seat.TeamId!, allocation.Email, expiresAt));
    }

    /// <summary>
    /// No seat could be had: failed, and users told; if users gave up meanwhile it is cancelled instead, since they
    /// wait for the cancellation's answer, not this one. Pending allocations only.
    /// </summary>
    public static void Fail(PoolDbContext db, SeatAllocation allocation, string reason, DateTimeOffset now)
    {
        allocation.Status = allocation.CancelRequested ? AllocationStatus.Cancelled : AllocationStatus.Failed;
        allocation.Reason = reason.Length > 200 ? reason[..200] : reason;
        allocation.UpdatedAt = now;
        _ = allocation.CancelRequested
            ? db.AddEvent(new SeatAllocationCancelled(allocation.RedemptionId, false))
            : db.AddEvent(new SeatAllocationFailed(allocation.RedemptionId, allocation.Reason));
    }

    /// <summary>
    /// The allocation ends (<see cref="AllocationStatus.Cancelled"/> or <see cref="AllocationStatus.Expired"/>) once
    /// its seat is freed; with <paramref name="answer"/> users are told it was cancelled.
    /// </summary>
    public static void End(PoolDbContext db, SeatAllocation allocation, AllocationStatus status, string reason, bool answer, bool seatRemoved, DateTimeOffset now)
    {
        allocation.Status = status;
        allocation.Reason = reason;
        allocation.UpdatedAt = now;
        if (answer)
        {
            db.AddEvent(new SeatAllocationCancelled(allocation.RedemptionId, seatRemoved));
        }
    }
}

/// <summary>Seat allocation rows locked (FOR UPDATE) for the rest of the transaction, so one change decides.</summary>
public static class SeatAllocationRows
{
    public static Task<SeatAllocation> LockAsync(PoolDbContext db, Guid redemptionId, CancellationToken cancellationToken) =>
        db.SeatAllocations.FromSql($"SELECT * FROM seat_allocations WHERE redemption_id = {redemptionId} FOR UPDATE").FirstAsync(cancellationToken);
}
