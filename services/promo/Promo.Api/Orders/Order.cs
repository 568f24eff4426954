using Promo.Api.Catalog;

namespace Promo.Api.Orders;

public enum OrderStatus
{
    Created,
    Paid,
    Shipped,
    Received,
    Closed,
}

public enum CloseReason
{
    Expired,
    Cancelled,
}

/// <summary>
/// An order of one SKU. Every change of <see cref="Status"/> is a conditional update from the state it expects
/// (CREATED → PAID → SHIPPED → RECEIVED, or CREATED → CLOSED), so each transition and its side effects happen once.
/// </summary>
public sealed class Order
{
    public required string OrderBid { get; set; }
    public required string UserBid { get; set; }
    /// <summary>The buyer's <c>Idempotency-Key</c> and a hash of the request it came with.</summary>
    public required string IdempotencyKey { get; set; }
    public required string RequestHash { get; set; }
    public Guid SkuId { get; set; }
    public Guid ProductId { get; set; }
    public required string SkuName { get; set; }
    public int Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    public decimal Amount { get; set; }
    public decimal DiscountAmount { get; set; }
    public decimal PayAmount { get; set; }
    public string? CouponCode { get; set; }
    public decimal CouponDiscount { get; set; }
    /// <summary>The SKU's helpers required when ordered: above zero, paying opens a help task.</summary>
    public int HelpersRequired { get; set; }
    /// <summary>The relay plan the SKU sold when ordered (relay products only): paying gives it to the buyer.</summary>
    public RelayTerms? Relay { get; set; }
    /// <summary>The help task this order helps (a helper's order).</summary>
    public string? HelpTaskNo { get; set; }
    public string? RecipientName { get; set; }
    public string? RecipientPhone { get; set; }
    public string? ShippingAddress { get; set; }
    public OrderStatus Status { get; set; }
    public CloseReason? CloseReason { get; set; }
    public string? PaymentRef { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? ShippedAt { get; set; }
    public DateTimeOffset? ReceivedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}
