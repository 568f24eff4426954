namespace Promo.Api.Campaigns;

/// <summary>
/// Which SKUs a campaign or coupon covers (its <c>filter</c>, stored as jsonb): the listed SKUs and every SKU of the
/// listed products; both lists empty means every SKU.
/// </summary>
public sealed record Scope(IReadOnlyList<Guid> SkuIds, IReadOnlyList<Guid> ProductIds)
{
    public static readonly Scope Everything = new([], []);

    public bool Covers(Guid skuId, Guid productId) =>
        (SkuIds.Count == 0 && ProductIds.Count == 0) || SkuIds.Contains(skuId) || ProductIds.Contains(productId);
}
