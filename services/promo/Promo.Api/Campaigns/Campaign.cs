namespace Promo.Api.Campaigns;

public enum JoinType
{
    /// <summary>Applies by itself to every matching order in its window.</summary>
    Auto,
    /// <summary>Applies when the order names it (an event's landing page).</summary>
    Event,
    /// <summary>Applies when the order names it (given out by hand).</summary>
    Manual,
}

public enum PromoStatus
{
    Active,
    Inactive,
}

public enum DiscountType
{
    /// <summary>The value is an amount off.</summary>
    Fixed,
    /// <summary>The value is a percentage of what is still payable.</summary>
    Percent,
}

/// <summary>A campaign (<c>promo_campaigns</c>): a discount for the SKUs in its scope during its window.</summary>
public sealed class Campaign
{
    public required string CampaignBid { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public JoinType JoinType { get; set; }
    public PromoStatus Status { get; set; }
    public DateTimeOffset StartAt { get; set; }
    public DateTimeOffset EndAt { get; set; }
    public DiscountType DiscountType { get; set; }
    public decimal Value { get; set; }
    public string? Channel { get; set; }
    public Scope Filter { get; set; } = Scope.Everything;
    public bool Deleted { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    public bool IsLiveAt(DateTimeOffset now) => !Deleted && Status == PromoStatus.Active && StartAt <= now && now < EndAt;
}

public enum ApplicationStatus
{
    Applied,
    Voided,
}

/// <summary>
/// One campaign applied to one order (<c>promo_campaign_applications</c>), with the campaign's name and terms as they
/// were. At most one live row per (order, campaign); voided when the order closes.
/// </summary>
public sealed class CampaignApplication
{
    public required string CampaignApplicationBid { get; set; }
    public required string CampaignBid { get; set; }
    public required string OrderBid { get; set; }
    public required string UserBid { get; set; }
    public required string CampaignName { get; set; }
    public DiscountType DiscountType { get; set; }
    public decimal Value { get; set; }
    public decimal DiscountAmount { get; set; }
    public ApplicationStatus Status { get; set; }
    public bool Deleted { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
