using Platform.Contracts.Pool;
using Platform.ServiceDefaults.Messaging;
using Users.Api.Data;

namespace Users.Api.Redemptions;

/// <summary>
/// pool seated the redemption: it is fulfilled and its code used, unless users already asked to cancel. Every
/// change to a redemption locks its row first and its code second (this consumer, the failure consumers and the
/// timeout job alike), so an answer and a timeout cannot both act: whichever locks the redemption first decides.
/// </summary>
public sealed class SeatAllocatedConsumer(UsersDbContext db, TimeProvider time) : InboxConsumer<SeatAllocated, UsersDbContext>(db, time)
{
    private readonly TimeProvider _time = time;

    protected override async Task HandleAsync(SeatAllocated message, CancellationToken cancellationToken)
    {
        // After a cancel request pool removes this seat and answers SeatAllocationCancelled; wait for that instead.
        if (await RedemptionRows.LockPendingAsync(Db, message.RedemptionId, cancellationToken) is not { CancelRequestedAt: null } redemption)
        {
            return;
        }
        await RedemptionTransitions.FulfilAsync(Db, redemption, message, _time.GetUtcNow(), cancellationToken);
    }
}

public sealed class SeatAllocationFailedConsumer(UsersDbContext db, TimeProvider time) : InboxConsumer<SeatAllocationFailed, UsersDbContext>(db, time)
{
    private readonly TimeProvider _time = time;

    protected override Task HandleAsync(SeatAllocationFailed message, CancellationToken cancellationToken) =>
        Db.FailPendingAsync(message.RedemptionId, message.Reason, _time.GetUtcNow(), cancellationToken);
}

public sealed class SeatAllocationCancelledConsumer(UsersDbContext db, TimeProvider time) : InboxConsumer<SeatAllocationCancelled, UsersDbContext>(db, time)
{
    private readonly TimeProvider _time = time;

    protected override Task HandleAsync(SeatAllocationCancelled message, CancellationToken cancellationToken) =>
        Db.FailPendingAsync(message.RedemptionId, "pool did not answer in time; the code can be redeemed again", _time.GetUtcNow(), cancellationToken);
}

internal static class RedemptionOutcomes
{
    /// <summary>pool's answer is a failure: the redemption fails if it is still pending, else the answer is a repeat.</summary>
    public static async Task FailPendingAsync(this UsersDbContext db, Guid redemptionId, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await RedemptionRows.LockPendingAsync(db, redemptionId, cancellationToken) is { } redemption)
        {
            await RedemptionTransitions.FailAsync(db, redemption, reason, now, cancellationToken);
        }
    }
}
