using Promo.Api.Campaigns;

namespace Promo.Api.Orders;

public static class Pricing
{
    /// <summary>
    /// What one discount takes off <paramref name="payable"/> (what the discounts before it left): a fixed value, or
    /// value percent of the payable rounded to cents; never more than the payable, so the order's total discount is
    /// capped at its price and the pay amount never goes below zero.
    /// </summary>
    public static decimal DiscountOf(DiscountType type, decimal value, decimal payable)
    {
        var discount = type switch
        {
            DiscountType.Fixed => value,
            DiscountType.Percent => Math.Round(value * payable / 100m, 2, MidpointRounding.AwayFromZero),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        return Math.Clamp(discount, 0m, payable);
    }
}
