using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>promo: the catalog and its stock, every buyer's orders, campaigns, coupons, help-task payouts.</summary>
public sealed class PromoClient(HttpClient http, Session session, NavigationManager navigation)
    : ApiClient(http, session, navigation, "promo")
{
    /// <summary>Every product with its SKUs, inactive ones too (the catalog grant shows them).</summary>
    public Task<Paged<Product>> ProductsAsync(int page, int pageSize) =>
        GetAsync<Paged<Product>>("/api/promo/products?" + Query(("all", "true"), ("page", page), ("pageSize", pageSize)));

    public Task<Product> CreateProductAsync(ProductRequest request) => SendAsync<Product>(HttpMethod.Post, "/api/promo/products", request);

    /// <summary>Stock moves only by deltas, never by overwriting what orders moved meanwhile.</summary>
    public Task<Sku> AdjustStockAsync(Guid skuId, int delta) => SendAsync<Sku>(HttpMethod.Post, $"/api/promo/skus/{skuId}/stock", new StockDelta(delta));

    /// <param name="status">An order status as the API's enum names it (Paid, Shipped, ...).</param>
    public Task<Paged<Order>> OrdersAsync(int page, int pageSize, string? status, string? userBid) =>
        GetAsync<Paged<Order>>("/api/promo/admin/orders?" + Query(("page", page), ("pageSize", pageSize), ("status", status), ("userBid", userBid)));

    public Task<Order> ShipAsync(string orderBid) => SendAsync<Order>(HttpMethod.Post, $"/api/promo/orders/{Uri.EscapeDataString(orderBid)}/ship", null);

    public Task<Paged<Campaign>> CampaignsAsync(int page, int pageSize) =>
        GetAsync<Paged<Campaign>>("/api/promo/campaigns?" + Query(("page", page), ("pageSize", pageSize)));

    public Task<Campaign> CreateCampaignAsync(CampaignRequest request) => SendAsync<Campaign>(HttpMethod.Post, "/api/promo/campaigns", request);

    public Task<Paged<Coupon>> CouponsAsync(int page, int pageSize) =>
        GetAsync<Paged<Coupon>>("/api/promo/coupons?" + Query(("page", page), ("pageSize", pageSize)));

    public Task<Coupon> CreateCouponAsync(CouponRequest request) => SendAsync<Coupon>(HttpMethod.Post, "/api/promo/coupons", request);

    /// <param name="status">A payout status as the API's enum names it (PendingReview, ...).</param>
    public Task<Paged<Payout>> PayoutsAsync(int page, int pageSize, string? status) =>
        GetAsync<Paged<Payout>>("/api/promo/payouts?" + Query(("page", page), ("pageSize", pageSize), ("status", status)));

    public Task<Payout> ReviewPayoutAsync(Guid id, bool approve, string? note) =>
        SendAsync<Payout>(HttpMethod.Post, $"/api/promo/payouts/{id}/{(approve ? "approve" : "reject")}", new ReviewRequest(note));
}
