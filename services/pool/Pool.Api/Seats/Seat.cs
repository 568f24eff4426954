namespace Pool.Api.Seats;

public enum SeatStatus
{
    Free,
    Held,
    Used,
}

/// <summary>
/// Slot 1..seat_limit of a mother. Held while the upstream invite runs (until <see cref="HeldUntil"/>), used once it
/// went through, free again when the seat ends or is cancelled.
/// </summary>
public sealed class Seat
{
    public long Id { get; set; }
    public Guid MotherId { get; set; }
    public int Slot { get; set; }
    public SeatStatus Status { get; set; }
    public DateTimeOffset? HeldUntil { get; set; }
    public string? TeamId { get; set; }
    public string? Email { get; set; }
    public Guid? RedemptionId { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? AllocatedAt { get; set; }
}

public enum AllocationStatus
{
    Pending,
    Allocated,
    Failed,
    Cancelled,
    Expired,
}

/// <summary>
/// pool's side of one redemption, keyed by its id: what users asked for, what happened, and whether users gave up
/// waiting. A cancellation recorded before the request arrives makes the request a no-op.
/// </summary>
public sealed class SeatAllocation
{
    public Guid RedemptionId { get; set; }
    public Guid UserId { get; set; }
    public string Email { get; set; } = "";
    public Guid GroupId { get; set; }
    public int SeatDays { get; set; }
    public AllocationStatus Status { get; set; }
    public bool CancelRequested { get; set; }
    public Guid? MotherId { get; set; }
    public string? TeamId { get; set; }
    public int? Slot { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
