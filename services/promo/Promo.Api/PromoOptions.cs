using System.ComponentModel.DataAnnotations;

namespace Promo.Api;

/// <summary>The <c>Promo</c> configuration section: promo's numbers (docs/promo.md, the README's configuration table).</summary>
public sealed class PromoOptions : IValidatableObject
{
    public const string Section = "Promo";

    /// <summary>Key of the payment provider's HMAC-SHA256 callback signature (the AppHost generates one).</summary>
    [Required, MinLength(32)]
    public string PaymentSecret { get; set; } = "";

    /// <summary>An order not paid within this time is closed and its stock, campaigns and coupon given back.</summary>
    [Range(1, 86_400)]
    public int UnpaidOrderSeconds { get; set; } = 600;

    /// <summary>A shipped order the buyer has not confirmed is received automatically after this many days.</summary>
    [Range(1, 365)]
    public int AutoReceiveDays { get; set; } = 7;

    /// <summary>How often the order sweeper looks for expired and long-shipped orders.</summary>
    [Range(50, 3_600_000)]
    public int SweepIntervalMilliseconds { get; set; } = 5_000;

    /// <summary>How long after a help task qualifies its payout is written (time for returns to surface).</summary>
    [Range(0, 31_536_000)]
    public int PayoutDelaySeconds { get; set; } = 259_200;

    [Range(1, 10_000)]
    public int MaxQuantity { get; set; } = 100;

    /// <summary>Unpaid orders one person may hold at once (409 <c>too_many_unpaid_orders</c>): stock cannot be held hostage.</summary>
    [Range(1, 10_000)]
    public int MaxUnpaidOrders { get; set; } = 5;

    /// <summary>Items one person's unpaid orders may reserve together (409 <c>too_many_reserved_items</c>); at least <see cref="MaxQuantity"/>.</summary>
    [Range(1, 1_000_000)]
    public int MaxReservedItems { get; set; } = 200;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxReservedItems < MaxQuantity)
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(MaxReservedItems)} ({MaxReservedItems}) must not be below {nameof(MaxQuantity)} ({MaxQuantity}): an order of the most items could never be placed.",
                [nameof(MaxReservedItems)]);
        }
    }
}
