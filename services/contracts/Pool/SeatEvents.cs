namespace Platform.Contracts.Pool;

/// <summary>pool seated the redemption's email on a mother's team until <paramref name="ExpiresAt"/>.</summary>
public sealed record SeatAllocated(Guid RedemptionId, Guid MotherId, string TeamId, string Email, DateTimeOffset ExpiresAt);

/// <summary>pool could not seat the redemption (group full or unknown, upstream refused); users returns the code.</summary>
public sealed record SeatAllocationFailed(Guid RedemptionId, string Reason);

/// <summary>
/// pool's answer to <c>CancelSeatAllocation</c>: nothing of this redemption is seated any more (a late seat was removed
/// upstream when <paramref name="SeatRemoved"/>), so users may return the code to unused.
/// </summary>
public sealed record SeatAllocationCancelled(Guid RedemptionId, bool SeatRemoved);
