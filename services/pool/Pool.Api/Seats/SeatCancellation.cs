using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Data;
using Pool.Api.Data;
using Pool.Api.Mothers;
using Pool.Api.Upstream;

namespace Pool.Api.Seats;

/// <summary>Ending a redemption's seat: remove the member upstream first, then free the slot and record why.</summary>
public static class SeatCancellation
{
    public const string SeatRemovedReason = "seat_removed";

    /// <summary>
    /// Users cancelled: whatever this redemption holds or uses is removed upstream (removing a non-member is fine, so
    /// a rerun is harmless), the slot freed, and <c>SeatAllocationCancelled</c> answered once.
    /// </summary>
    public static async Task CancelAsync(PoolDbContext db, IUpstreamTeamClient upstream, MotherTokens tokens, TimeProvider time,
        SeatAllocation allocation, Seat? seat, CancellationToken cancellationToken)
    {
        var removed = seat is not null && await RemoveUpstreamAsync(db, upstream, tokens, seat, cancellationToken);
        await EndAsync(db, time, allocation.RedemptionId, AllocationStatus.Cancelled, seat is not null ? SeatRemovedReason : "cancelled",
            answer: true, removed || seat is not null, cancellationToken);
    }

    public static async Task<bool> RemoveUpstreamAsync(PoolDbContext db, IUpstreamTeamClient upstream, MotherTokens tokens, Seat seat, CancellationToken cancellationToken)
    {
        if (seat.TeamId is null || seat.Email is null)
        {
            return false;
        }
        var mother = await db.Mothers.AsNoTracking().FirstAsync(m => m.Id == seat.MotherId, cancellationToken);
        return await upstream.RemoveAsync(tokens.Unprotect(mother), seat.TeamId, seat.Email, cancellationToken);
    }

    /// <summary>Frees the redemption's slot and sets the allocation's final status, in one transaction with the answer.</summary>
    public static Task EndAsync(PoolDbContext db, TimeProvider time, Guid redemptionId, AllocationStatus status, string reason,
        bool answer, bool seatRemoved, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var allocation = await SeatAllocationRows.LockAsync(db, redemptionId, ct);
            if (allocation.Status is AllocationStatus.Cancelled or AllocationStatus.Expired)
            {
                return;
            }
            var seat = await db.Seats.FirstOrDefaultAsync(s => s.RedemptionId == redemptionId, ct);
            if (seat is not null)
            {
                await db.ChildAccounts.Where(c => c.MotherId == seat.MotherId && c.TeamId == seat.TeamId && c.Email == seat.Email)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, "removed"), ct);
                seat.Status = SeatStatus.Free;
                seat.HeldUntil = null;
                seat.TeamId = null;
                seat.Email = null;
                seat.RedemptionId = null;
                seat.ExpiresAt = null;
                seat.AllocatedAt = null;
            }
            SeatAllocationTransitions.End(db, allocation, status, reason, answer, seatRemoved, time.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }, cancellationToken);
}
