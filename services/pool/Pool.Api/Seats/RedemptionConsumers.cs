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
        if (!await SeatAllocationTransitions.RequestAsync(Db, message, email, now, cancellationToken))
        {
            return;
        }
        if (message.SeatDays is < SeatTerms.MinSeatDays or > SeatTerms.MaxSeatDays || email.Length is 0 or > 254 || !email.Contains('@'))
        {
            await SeatAllocationTransitions.RefuseAsync(Db, message.RedemptionId,
                $"invalid_request: seatDays must be {SeatTerms.MinSeatDays}..{SeatTerms.MaxSeatDays} and email an address", cancellationToken);
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
        if (await SeatAllocationTransitions.CancelBeforeRequestAsync(Db, id, now, cancellationToken))
        {
            return;
        }

        var allocation = await SeatAllocationRows.LockAsync(Db, id, cancellationToken);
        switch (allocation.Status)
        {
            case AllocationStatus.Pending:
                // The allocation job answers when it sees the flag (before holding, or right after its invite).
                SeatAllocationTransitions.RequestCancel(allocation, now);
                break;
            case AllocationStatus.Allocated when !allocation.CancelRequested:
                SeatAllocationTransitions.RequestCancel(allocation, now);
                jobs.Add(SeatReleaseHandler.Request(id, SeatReleaseHandler.Cancelled));
                break;
            case AllocationStatus.Allocated:
                break; // the release job is on its way and answers
            default:
                SeatAllocationTransitions.AnswerCancelAgain(Db, allocation);
                break;
        }
    }
}
