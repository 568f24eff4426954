using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Jobs;
using Pool.Api.Data;
using Pool.Api.Mothers;
using Pool.Api.Upstream;

namespace Pool.Api.Seats;

/// <summary>
/// <c>seat_release</c>: a seat ends, because its days are over (<see cref="Expired"/>, enqueued to run at the seat's
/// expiry) or because users cancelled a redemption that had been seated (<see cref="Cancelled"/>). The member is
/// removed upstream, then the slot freed. Idempotent: an ended allocation is left alone.
/// </summary>
public sealed class SeatReleaseHandler(PoolDbContext db, IUpstreamTeamClient upstream, MotherTokens tokens, TimeProvider time) : IJobHandler
{
    public const string JobType = "seat_release";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";

    public sealed record Payload(Guid RedemptionId, string Reason);

    public string Type => JobType;

    public static JobRequest Request(Guid redemptionId, string reason, DateTimeOffset? runAt = null) =>
        new(JobType, new Payload(redemptionId, reason), $"{JobType}:{reason}:{redemptionId}", "pool", runAt);

    public async Task<JobOutcome> HandleAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var payload = job.Read<Payload>();
        var allocation = await db.SeatAllocations.AsNoTracking().FirstOrDefaultAsync(a => a.RedemptionId == payload.RedemptionId, cancellationToken);
        if (allocation is not { Status: AllocationStatus.Allocated })
        {
            return new JobOutcome(0, 0, 0);
        }
        var seat = await db.Seats.AsNoTracking().FirstOrDefaultAsync(s => s.RedemptionId == payload.RedemptionId, cancellationToken);
        var removed = seat is not null && await SeatCancellation.RemoveUpstreamAsync(db, upstream, tokens, seat, cancellationToken);
        var cancelled = payload.Reason == Cancelled;
        await SeatCancellation.EndAsync(db, time, payload.RedemptionId,
            cancelled ? AllocationStatus.Cancelled : AllocationStatus.Expired,
            cancelled ? SeatCancellation.SeatRemovedReason : "expired",
            answer: cancelled, seatRemoved: removed || seat is not null, cancellationToken);
        return JobOutcome.Done;
    }
}
