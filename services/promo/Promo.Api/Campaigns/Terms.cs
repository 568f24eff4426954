using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults.Http;

namespace Promo.Api.Campaigns;

/// <summary>The terms campaigns and coupons share: a discount, a window and a scope, validated alike.</summary>
public static class Terms
{
    public sealed record ScopeRequest(IReadOnlyList<Guid>? SkuIds, IReadOnlyList<Guid>? ProductIds);

    public static ValidationProblem? Discount(DiscountType? type, decimal? value, out DiscountType discountType, out decimal discountValue)
    {
        discountType = type ?? DiscountType.Fixed;
        discountValue = value ?? 0;
        if (type is null)
        {
            return Invalid.Field("discountType", "discountType is fixed or percent.");
        }
        if (value is not { } v || v <= 0 || decimal.Round(v, 2) != v || (type == DiscountType.Percent ? v > 100 : v > 1_000_000_000m))
        {
            return Invalid.Field("value", type == DiscountType.Percent
                ? "A percent value is above 0 and at most 100, with at most 2 decimals."
                : "A fixed value is an amount above 0 with at most 2 decimals.");
        }
        return null;
    }

    public static ValidationProblem? Window(DateTimeOffset startAt, DateTimeOffset endAt) =>
        endAt <= startAt ? Invalid.Field("endAt", "endAt must be after startAt.") : null;

    public static ValidationProblem? Scope(ScopeRequest? request, out Scope scope)
    {
        scope = request is null ? Campaigns.Scope.Everything : new([.. (request.SkuIds ?? []).Distinct()], [.. (request.ProductIds ?? []).Distinct()]);
        return scope.SkuIds.Count + scope.ProductIds.Count > 1000 ? Invalid.Field("filter", "A filter lists at most 1000 SKUs and products.") : null;
    }

    public static ValidationProblem? Text(string field, string? value, int max, bool required) =>
        (required && string.IsNullOrWhiteSpace(value)) || value?.Trim().Length > max
            ? Invalid.Field(field, required ? $"{field} is required, at most {max} characters." : $"{field} is at most {max} characters.")
            : null;

    public static ScopeRequest ToRequest(Scope scope) => new(scope.SkuIds, scope.ProductIds);
}
