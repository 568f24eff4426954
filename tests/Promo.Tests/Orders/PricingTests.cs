using Promo.Api.Campaigns;
using Promo.Api.Orders;

namespace Promo.Tests.Orders;

public sealed class PricingTests
{
    [Theory]
    [InlineData(DiscountType.Fixed, 10, 100, 10)]
    [InlineData(DiscountType.Fixed, 150, 100, 100)]
    [InlineData(DiscountType.Percent, 15, 33.33, 5)] // 4.9995 rounds half away from zero
    [InlineData(DiscountType.Percent, 12.5, 0.1, 0.01)]
    [InlineData(DiscountType.Percent, 100, 42.42, 42.42)]
    [InlineData(DiscountType.Fixed, 5, 0, 0)]
    public void A_discount_takes_its_share_of_what_is_payable_and_never_more(DiscountType type, double value, double payable, double expected) =>
        Assert.Equal((decimal)expected, Pricing.DiscountOf(type, (decimal)value, (decimal)payable));
}
