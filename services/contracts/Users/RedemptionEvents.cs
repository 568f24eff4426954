namespace Platform.Contracts.Users;

/// <summary>
/// A redeem code was reserved for a user: pool should seat <paramref name="Email"/> on a mother of the group for
/// <paramref name="SeatDays"/> days and answer <c>SeatAllocated</c> or <c>SeatAllocationFailed</c>, keyed by
/// <paramref name="RedemptionId"/>.
/// </summary>
public sealed record RedeemCodeRedeemed(Guid RedemptionId, Guid UserId, string Email, Guid PoolGroupId, int SeatDays, DateTimeOffset RedeemedAt);

/// <summary>What a seat's term may be: users makes codes only for terms pool seats.</summary>
public static class SeatTerms
{
    public const int MinSeatDays = 1;
    public const int MaxSeatDays = 3650;
}

/// <summary>
/// users gave up waiting for pool's answer: pool must not seat this redemption, and must remove the seat upstream
/// if it was allocated after all, then answer <c>SeatAllocationCancelled</c>. Idempotent by redemption id.
/// </summary>
public sealed record CancelSeatAllocation(Guid RedemptionId, DateTimeOffset RequestedAt);
