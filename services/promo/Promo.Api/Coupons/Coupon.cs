using Promo.Api.Campaigns;

namespace Promo.Api.Coupons;

public enum UsageType
{
    /// <summary>One code, used by up to <see cref="Coupon.TotalCount"/> orders.</summary>
    SharedCode,
    /// <summary><see cref="Coupon.TotalCount"/> generated codes, each good for one order.</summary>
    OneCodePerOrder,
}

/// <summary>A coupon (<c>promo_coupons</c>): a discount an order gets by quoting a code.</summary>
public sealed class Coupon
{
    public required string CouponBid { get; set; }
    /// <summary>The shared code; for one-code-per-order coupons the codes are in <c>promo_coupon_usages</c>.</summary>
    public string? Code { get; set; }
    public required string Name { get; set; }
    public DiscountType DiscountType { get; set; }
    public UsageType UsageType { get; set; }
    public decimal Value { get; set; }
    public DateTimeOffset StartAt { get; set; }
    public DateTimeOffset EndAt { get; set; }
    public string? Channel { get; set; }
    public Scope Filter { get; set; } = Scope.Everything;
    public int TotalCount { get; set; }
    /// <summary>Codes held by open or paid orders; moves only by conditional updates, never past the total.</summary>
    public int UsedCount { get; set; }
    public PromoStatus Status { get; set; }
    public bool Deleted { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsLiveAt(DateTimeOffset now) => !Deleted && Status == PromoStatus.Active && StartAt <= now && now < EndAt;
}

public enum CouponUsageStatus
{
    /// <summary>A generated code nobody holds.</summary>
    Inactive,
    /// <summary>Held by an unpaid order.</summary>
    Active,
    /// <summary>Its order was paid.</summary>
    Used,
    /// <summary>Its order closed unpaid; a shared code's count was given back.</summary>
    Timeout,
}

/// <summary>One code's use (<c>promo_coupon_usages</c>); for one-code-per-order coupons also the code itself.</summary>
public sealed class CouponUsage
{
    public required string CouponUsageBid { get; set; }
    public required string CouponBid { get; set; }
    public string? UserBid { get; set; }
    public string? OrderBid { get; set; }
    public required string Code { get; set; }
    public DiscountType DiscountType { get; set; }
    public decimal Value { get; set; }
    public CouponUsageStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
