namespace WebConsole.Api;

// promo's administration (enums arrive as snake_case strings: pending_review, shared_code, ...).

public sealed record Sku(Guid Id, Guid ProductId, string Code, string Name, decimal Price, int Stock, bool Active, int HelpersRequired);

public sealed record Product(Guid Id, string Name, string? Description, bool Active, IReadOnlyList<Sku> Skus, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record SkuRequest(string? Code, string? Name, decimal? Price, int? Stock, bool? Active, int? HelpersRequired);

public sealed record ProductRequest(string? Name, string? Description, bool? Active, IReadOnlyList<SkuRequest>? Skus);

public sealed record StockDelta(int Delta);

public sealed record AppliedCampaign(string CampaignBid, string Name, string DiscountType, decimal Value, decimal DiscountAmount, string Status);

public sealed record Order(string OrderBid, string UserBid, string Status, string? CloseReason, Guid SkuId, string SkuName, int Quantity,
    decimal UnitPrice, decimal Amount, decimal DiscountAmount, decimal PayAmount, string? CouponCode, decimal CouponDiscount, string? HelpTaskNo,
    IReadOnlyList<AppliedCampaign> Campaigns, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? PaidAt,
    DateTimeOffset? ShippedAt, DateTimeOffset? ReceivedAt, DateTimeOffset? ClosedAt);

public sealed record PromoScope(IReadOnlyList<Guid>? SkuIds, IReadOnlyList<Guid>? ProductIds);

public sealed record Campaign(string CampaignBid, string Name, string? Description, string JoinType, string Status, DateTimeOffset StartAt,
    DateTimeOffset EndAt, string DiscountType, decimal Value, string? Channel, PromoScope Filter, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset UpdatedAt, string UpdatedBy);

public sealed record CampaignRequest(string? Name, string? Description, string? JoinType, string? Status, DateTimeOffset? StartAt,
    DateTimeOffset? EndAt, string? DiscountType, decimal? Value, string? Channel = null, PromoScope? Filter = null);

public sealed record Coupon(string CouponBid, string Name, string? Code, string DiscountType, string UsageType, decimal Value, DateTimeOffset StartAt,
    DateTimeOffset EndAt, string? Channel, PromoScope Filter, int TotalCount, int UsedCount, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record CouponRequest(string? Name, string? Code, string? DiscountType, string? UsageType, decimal? Value, DateTimeOffset? StartAt,
    DateTimeOffset? EndAt, string? Channel = null, PromoScope? Filter = null, int? TotalCount = null, string? Status = null);

public sealed record Payout(Guid Id, string TaskNo, string UserBid, string OrderBid, decimal Amount, IReadOnlyList<string> HelperUserBids,
    IReadOnlyList<string> HelperOrderBids, DateTimeOffset QualifiedAt, DateTimeOffset PayoutAt, string PayoutStatus, string RiskLevel,
    IReadOnlyList<string> RiskReasons, string? Note, string? Operator, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public bool AwaitsReview => PayoutStatus == "pending_review";
}

public sealed record ReviewRequest(string? Note);
