namespace Users.Api.Redemptions;

/// <summary>
/// A row of <c>redemptions</c>: one user's claim on one code, followed to <c>fulfilled</c> or <c>failed</c> by
/// pool's answer (the saga's state on the users side).
/// </summary>
public sealed class Redemption
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid CodeId { get; set; }
    public required string Email { get; set; }
    public RedemptionStatus Status { get; set; } = RedemptionStatus.Pending;
    public string? Reason { get; set; }
    public Guid? MotherId { get; set; }
    public string? TeamId { get; set; }
    public DateTimeOffset? SeatExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>When users gave up waiting and asked pool to cancel; a late SeatAllocated is then ignored.</summary>
    public DateTimeOffset? CancelRequestedAt { get; set; }
}

public enum RedemptionStatus
{
    Pending,
    Fulfilled,
    Failed,
}
