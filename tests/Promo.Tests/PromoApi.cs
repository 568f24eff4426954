using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Promo.Tests;

/// <summary>The promo API as tests use it.</summary>
public static class PromoApi
{
    public sealed record Sku(Guid ProductId, Guid SkuId, string Code);

    public static async Task<Sku> CreateSkuAsync(this HttpClient admin, decimal price, int stock, int helpersRequired = 0)
    {
        var code = "sku-" + Guid.NewGuid().ToString("N")[..12];
        using var response = await admin.PostAsJsonAsync("/api/promo/products",
            new { name = "Product " + code, skus = new[] { new { code, name = "SKU " + code, price, stock, helpersRequired } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var product = await response.JsonAsync();
        return new(product.GetProperty("id").GetGuid(), product.GetProperty("skus")[0].GetProperty("id").GetGuid(), code);
    }

    public static async Task<int> StockAsync(this HttpClient admin, Sku sku)
    {
        var product = await admin.GetFromJsonAsync<JsonElement>($"/api/promo/products/{sku.ProductId}");
        return product.GetProperty("skus").EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == sku.SkuId).GetProperty("stock").GetInt32();
    }

    /// <summary>Creates a campaign running from an hour ago (by the service's clock) for a day, and returns its bid.</summary>
    public static async Task<string> CreateCampaignAsync(this HttpClient admin, DateTimeOffset now, string joinType, string discountType, decimal value,
        object? filter = null)
    {
        using var response = await admin.PostAsJsonAsync("/api/promo/campaigns", new
        {
            name = "campaign " + Guid.NewGuid().ToString("N")[..8],
            joinType,
            discountType,
            value,
            startAt = now.AddHours(-1),
            endAt = now.AddDays(1),
            filter,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("campaignBid").GetString()!;
    }

    public static async Task<JsonElement> CreateCouponAsync(this HttpClient admin, DateTimeOffset now, string usageType, string discountType, decimal value,
        int totalCount, string? code = null, object? filter = null)
    {
        using var response = await admin.PostAsJsonAsync("/api/promo/coupons", new
        {
            name = "coupon",
            code,
            usageType,
            discountType,
            value,
            totalCount,
            startAt = now.AddHours(-1),
            endAt = now.AddDays(1),
            filter,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    public static async Task<HttpResponseMessage> PlaceAsync(this HttpClient buyer, object order, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/promo/orders") { Content = JsonContent.Create(order) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await buyer.SendAsync(request);
    }

    /// <summary>Places an order that must succeed, and returns it.</summary>
    public static async Task<JsonElement> OrderAsync(this HttpClient buyer, object order)
    {
        using var response = await buyer.PlaceAsync(order);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    public static async Task<JsonElement> GetOrderAsync(this HttpClient client, string orderBid) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/promo/orders/{orderBid}");

    public static string Bid(this JsonElement order) => order.GetProperty("orderBid").GetString()!;

    public static string Status(this JsonElement order) => order.GetProperty("status").GetString()!;

    public static decimal Money(this JsonElement element, string property) => element.GetProperty(property).GetDecimal();

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<string?> ProblemCodeAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.TryGetProperty("code", out var code) ? code.GetString() : null;
    }
}
