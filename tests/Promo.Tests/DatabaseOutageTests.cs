using System.Net;
using Npgsql;

namespace Promo.Tests;

/// <summary>PostgreSQL goes away under promo: clients get 503 with Retry-After, never a 500, and nothing is half done.</summary>
[Collection(PromoCollection.Name)]
public sealed class DatabaseOutageTests(PromoPlatform platform)
{
    [Fact]
    public async Task While_postgres_is_down_reads_and_writes_are_503_with_retry_after_and_a_retried_order_is_placed_once()
    {
        var sku = await platform.Admin().CreateSkuAsync(price: 10m, stock: 5);
        using var buyer = platform.Buyer(out var buyerId);
        var key = Guid.NewGuid().ToString();

        await platform.Servers.Postgres.StopAsync();
        try
        {
            using var read = await platform.Anonymous().GetAsync($"/api/promo/products/{Guid.NewGuid()}");
            using var write = await buyer.PlaceAsync(new { skuId = sku.SkuId, quantity = 2 }, key);
            foreach (var response in new[] { read, write })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
                Assert.Equal("database_unavailable", await response.ProblemCodeAsync());
            }
        }
        finally
        {
            await platform.Servers.Postgres.StartAsync();
            // This process's idle pooled connections died with the server; the tests' own queries do not retry.
            NpgsqlConnection.ClearAllPools();
        }

        // The client retries with the same key once the database is back: one order, stock taken once.
        HttpStatusCode retried = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            using var response = await buyer.PlaceAsync(new { skuId = sku.SkuId, quantity = 2 }, key);
            retried = response.StatusCode;
            return retried != HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(60)), "promo did not recover");
        Assert.Equal(HttpStatusCode.Created, retried);
        Assert.Equal(1L, await platform.ScalarAsync("SELECT count(*) FROM promo_orders WHERE user_bid = $1", buyerId.ToString("N")));
        Assert.Equal(3, await platform.Admin().StockAsync(sku));
    }
}
