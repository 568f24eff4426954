using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Pool;
using Platform.ServiceDefaults.Messaging;
using Users.Api.Data;
using Users.Api.RedeemCodes;

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
        if (await Db.PendingAsync(message.RedemptionId, cancellationToken) is not { CancelRequestedAt: null } redemption)
        {
            return;
        }
        var now = _time.GetUtcNow();
        redemption.Status = RedemptionStatus.Fulfilled;
        redemption.MotherId = message.MotherId;
        redemption.TeamId = message.TeamId;
        redemption.SeatExpiresAt = message.ExpiresAt;
        redemption.UpdatedAt = now;
        await Db.RedeemCodes.Where(c => c.Id == redemption.CodeId && c.RedemptionId == redemption.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, RedeemCodeStatus.Used).SetProperty(c => c.UsedBy, redemption.UserId)
                .SetProperty(c => c.UsedAt, now).SetProperty(c => c.MotherId, message.MotherId).SetProperty(c => c.TeamId, message.TeamId), cancellationToken);
    }
}

public sealed class SeatAllocationFailedConsumer(UsersDbContext db, TimeProvider time) : InboxConsumer<SeatAllocationFailed, UsersDbContext>(db, time)
{
    private readonly TimeProvider _time = time;

    protected override Task HandleAsync(SeatAllocationFailed message, CancellationToken cancellationToken) =>
        Db.FailAsync(message.RedemptionId, message.Reason, _time.GetUtcNow(), cancellationToken);
}

public sealed class SeatAllocationCancelledConsumer(UsersDbContext db, TimeProvider time) : InboxConsumer<SeatAllocationCancelled, UsersDbContext>(db, time)
{
    private readonly TimeProvider _time = time;

    protected override Task HandleAsync(SeatAllocationCancelled message, CancellationToken cancellationToken) =>
        Db.FailAsync(message.RedemptionId, "pool did not answer in time; the code can be redeemed again", _time.GetUtcNow(), cancellationToken);
}

internal static class RedemptionOutcomes
{
    /// <summary>The redemption while still pending, locked (FOR UPDATE) until the caller's transaction ends.</summary>
    public static Task<Redemption?> PendingAsync(this UsersDbContext db, Guid redemptionId, CancellationToken cancellationToken) =>
        db.Redemptions.FromSql($"SELECT * FROM redemptions WHERE id = {redemptionId} AND status = 'pending' FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>The redemption failed: its code goes back to unused (only if this redemption still holds it).</summary>
    public static async Task FailAsync(this UsersDbContext db, Guid redemptionId, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.PendingAsync(redemptionId, cancellationToken) is not { } redemption)
        {
            return;
        }
        redemption.Status = RedemptionStatus.Failed;
        redemption.Reason = reason.Length > 300 ? reason[..300] : reason;
        redemption.UpdatedAt = now;
        await db.RedeemCodes.Where(c => c.Id == redemption.CodeId && c.RedemptionId == redemptionId && c.Status == RedeemCodeStatus.Reserved)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, RedeemCodeStatus.Unused).SetProperty(c => c.RedemptionId, (Guid?)null), cancellationToken);
    }
}
