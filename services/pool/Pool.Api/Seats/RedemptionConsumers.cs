using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Pool;
using Platform.Contracts.Users;
using Platform.ServiceDefaults.Jobs;
using Platform.ServiceDefaults.Messaging;
using Pool.Api.Data;

namespace Pool.Api.Seats;

/// <summary>
/// users reserved a code: record the request (once per redemption id) and enqueue its allocation in the same
/// transaction, so the durable job queue carries it through upstream outages and restarts. A request whose
/// cancellation arrived first finds the cancelled row and is never seated.
/// </summary>
public sealed class RedeemCodeRedeemedConsumer(PoolDbContext db, JobQueue<PoolDbContext> jobs, TimeProvider time)
    : InboxConsumer<RedeemCodeRedeemed, PoolDbContext>(db, time)
{
    private readonly TimeProvider _time = time;

    protected override async Task HandleAsync(RedeemCodeRedeemed message, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var email = message.Email.Trim().ToLowerInvariant();
        var inserted = await Db.Database.ExecuteSqlAsync($"""
            INSERT INTO seat_allocations (redemption_id, user_id, email, group_id, seat_days, status, cancel_requested, created_at, updated_at)
            VALUES ({message.RedemptionId}, {message.UserId}, {email}, {message.PoolGroupId}, {message.SeatDays}, 'pending', false, {now}, {now})
            ON CONFLICT (redemption_id) DO NOTHING
            """, cancellationToken);
        if (inserted == 0)
        {
            return;
        }
        if (message.SeatDays is < SeatTerms.MinSeatDays or > SeatTerms.MaxSeatDays || email.Length is 0 or > 254 || !email.Contains('@'))
        {
            await Db.SeatAllocations.Where(a => a.RedemptionId == message.RedemptionId).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Status, AllocationStatus.Failed).SetProperty(a => a.Reason, "invalid_request"), cancellationToken);
            Db.AddEvent(new SeatAllocationFailed(message.RedemptionId,
                $"invalid_request: seatDays must be {SeatTerms.MinSeatDays}..{SeatTerms.MaxSeatDays} and email an address"));
            return;
        }
        jobs.Add(SeatAllocationHandler.Request(message.RedemptionId));
    }
}

/// <summary>
/// users gave up waiting. Before the request: a cancelled row that the request will find. While allocating: a flag
/// the allocation checks when it commits. Once seated: a job that removes the seat upstream. Every path answers
/// <c>SeatAllocationCancelled</c> once the redemption holds nothing; a repeated cancellation is answered again.
/// </summary>
public sealed class CancelSeatAllocationConsumer(PoolDbContext db, JobQueue<PoolDbContext> jobs, TimeProvider time)
    : InboxConsumer<CancelSeatAllocation, PoolDbContext>(db, time)
{
    private readonly TimeProvider _time = time;

    protected override async Task HandleAsync(CancelSeatAllocation message, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var id = message.RedemptionId;
        var inserted = await Db.Database.ExecuteSqlAsync($"""
            INSERT INTO seat_allocations (redemption_id, user_id, email, group_id, seat_days, status, cancel_requested, reason, created_at, updated_at)
            VALUES ({id}, {Guid.Empty}, '', {Guid.Empty}, 0, 'cancelled', true, 'cancelled before the request arrived', {now}, {now})
            ON CONFLICT (redemption_id) DO NOTHING
            """, cancellationToken);
        if (inserted == 1)
        {
            Db.AddEvent(new SeatAllocationCancelled(id, false));
            return;
        }

        var allocation = await Db.SeatAllocations.FromSql($"SELECT * FROM seat_allocations WHERE redemption_id = {id} FOR UPDATE").FirstAsync(cancellationToken);
        switch (allocation.Status)
        {
            case AllocationStatus.Pending:
                // The allocation job answers when it sees the flag (before holding, or right after its invite).
                allocation.CancelRequested = true;
                allocation.UpdatedAt = now;
                break;
            case AllocationStatus.Allocated when !allocation.CancelRequested:
                allocation.CancelRequested = true;
                allocation.UpdatedAt = now;
                jobs.Add(SeatReleaseHandler.Request(id, SeatReleaseHandler.Cancelled));
                break;
            case AllocationStatus.Allocated:
                break; // the release job is on its way and answers
            default:
                Db.AddEvent(new SeatAllocationCancelled(id, allocation.Reason == SeatCancellation.SeatRemovedReason));
                break;
        }
    }
}
