namespace Promo.Api.HelpTasks;

public enum HelpTaskStatus
{
    /// <summary>Waiting for its helpers' orders to be received.</summary>
    Open,
    /// <summary>Enough helper orders were received; the payout falls due at <see cref="HelpTask.PayoutAt"/>.</summary>
    Qualified,
    /// <summary>Its payout is in the ledger.</summary>
    PaidOut,
    /// <summary>Its payout is in the ledger, held for an admin by the risk checks.</summary>
    Review,
    /// <summary>An admin reviewed its held payout and rejected it: nothing is paid.</summary>
    Rejected,
}

/// <summary>
/// A help task: the paid order of a help-enabled SKU asks for <see cref="RequiredHelpers"/> friends to order with its
/// <see cref="TaskNo"/>; once that many helper orders are received, its owner is paid back what the order cost.
/// </summary>
public sealed class HelpTask
{
    public Guid Id { get; set; }
    public required string TaskNo { get; set; }
    public required string OwnerUserBid { get; set; }
    public required string OrderBid { get; set; }
    public int RequiredHelpers { get; set; }
    public HelpTaskStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? QualifiedAt { get; set; }
    public DateTimeOffset? PayoutAt { get; set; }
}

public enum HelpStatus
{
    /// <summary>The helper's order is open or on its way.</summary>
    Pending,
    Received,
    /// <summary>The helper's order closed unpaid.</summary>
    Void,
}

/// <summary>One helper's order towards a task; a helper helps a task once (while that help is not void).</summary>
public sealed class Help
{
    public Guid Id { get; set; }
    public Guid TaskId { get; set; }
    public required string HelperUserBid { get; set; }
    public required string OrderBid { get; set; }
    public HelpStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReceivedAt { get; set; }
}

public enum PayoutStatus
{
    /// <summary>Paid out without review.</summary>
    Paid,
    /// <summary>The risk checks found something: an admin decides.</summary>
    PendingReview,
    /// <summary>Paid out after an admin's review.</summary>
    Approved,
    Rejected,
}

public enum RiskLevel
{
    None,
    Medium,
    High,
}

/// <summary>The payout of one help task (<c>payout_ledger</c>), written once, with what the risk checks found.</summary>
public sealed class PayoutEntry
{
    public Guid Id { get; set; }
    public Guid TaskId { get; set; }
    public required string TaskNo { get; set; }
    public required string UserBid { get; set; }
    public required string OrderBid { get; set; }
    public decimal Amount { get; set; }
    public List<string> HelperUserBids { get; set; } = [];
    public List<string> HelperOrderBids { get; set; } = [];
    public DateTimeOffset QualifiedAt { get; set; }
    public DateTimeOffset PayoutAt { get; set; }
    public PayoutStatus PayoutStatus { get; set; }
    public RiskLevel RiskLevel { get; set; }
    public List<string> RiskReasons { get; set; } = [];
    public string? Note { get; set; }
    public string? Operator { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
