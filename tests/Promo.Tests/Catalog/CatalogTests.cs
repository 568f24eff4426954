using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Promo.Tests.Catalog;

[Collection(PromoCollection.Name)]
public sealed class CatalogTests(PromoPlatform platform)
{
    [Fact]
    public async Task Anyone_sees_products_on_sale_and_only_admins_see_the_rest()
    {
        var admin = platform.Admin();
        var onSale = await admin.CreateSkuAsync(price: 9.99m, stock: 4);
        var hidden = await admin.CreateSkuAsync(price: 1m, stock: 1);
        using var hide = await admin.PatchAsJsonAsync($"/api/promo/products/{hidden.ProductId}", new { active = false });
        Assert.Equal(HttpStatusCode.OK, hide.StatusCode);

        using var anonymous = platform.Anonymous();
        var product = await anonymous.GetFromJsonAsync<JsonElement>($"/api/promo/products/{onSale.ProductId}");
        using var hiddenToAnyone = await anonymous.GetAsync($"/api/promo/products/{hidden.ProductId}");
        var listed = await ListedIdsAsync(anonymous, "/api/promo/products?pageSize=200");
        var listedForAdmin = await ListedIdsAsync(admin, "/api/promo/products?pageSize=200&all=true");

        Assert.Equal(9.99m, product.GetProperty("skus")[0].GetProperty("price").GetDecimal());
        Assert.Equal(HttpStatusCode.NotFound, hiddenToAnyone.StatusCode);
        Assert.DoesNotContain(hidden.ProductId, listed);
        Assert.Contains(hidden.ProductId, listedForAdmin);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/promo/products/{hidden.ProductId}")).StatusCode);
    }

    [Fact]
    public async Task A_catalog_read_grant_shows_hidden_products_but_changes_nothing_and_a_write_grant_changes_the_catalog()
    {
        var hidden = await platform.Admin().CreateSkuAsync(price: 1m, stock: 1);
        (await platform.Admin().PatchAsJsonAsync($"/api/promo/products/{hidden.ProductId}", new { active = false })).Dispose();

        using var reader = platform.Granted("promo.catalog:read");
        Assert.Contains(hidden.ProductId, await ListedIdsAsync(reader, "/api/promo/products?pageSize=200&all=true"));
        using (var one = await reader.GetAsync($"/api/promo/products/{hidden.ProductId}")) Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using (var show = await reader.PatchAsJsonAsync($"/api/promo/products/{hidden.ProductId}", new { active = true })) Assert.Equal(HttpStatusCode.Forbidden, show.StatusCode);

        using var orders = platform.Granted("promo.orders:write");
        Assert.DoesNotContain(hidden.ProductId, await ListedIdsAsync(orders, "/api/promo/products?pageSize=200&all=true"));

        using var writer = platform.Granted("promo.catalog:write");
        using (var show = await writer.PatchAsJsonAsync($"/api/promo/products/{hidden.ProductId}", new { active = true })) Assert.Equal(HttpStatusCode.OK, show.StatusCode);
    }

    [Fact]
    public async Task Only_admins_naming_the_promo_domain_change_the_catalog_and_each_change_is_audited()
    {
        var body = new { name = "Widget", skus = new[] { new { code = "w-" + Guid.NewGuid().ToString("N")[..10], name = "Widget", price = 3m, stock = 1 } } };

        using var buyer = await platform.Buyer(out _).PostAsJsonAsync("/api/promo/products", body);
        using var noDomain = await platform.Admin(withDomain: false).PostAsJsonAsync("/api/promo/products", body);
        using var created = await platform.Admin().PostAsJsonAsync("/api/promo/products", body);
        using var duplicate = await platform.Admin().PostAsJsonAsync("/api/promo/products", body);

        Assert.Equal(HttpStatusCode.Forbidden, buyer.StatusCode);
        Assert.Equal("domain_mismatch", await noDomain.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("sku_code_taken", await duplicate.ProblemCodeAsync());
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM audit_logs WHERE action = 'create_product' AND entity_id = $1", id.ToString()));
        // The admin is named by id with the email masked; the address itself is nowhere in the row.
        Assert.Equal(1, await platform.ScalarAsync(
            "SELECT count(*) FROM audit_logs WHERE action = 'create_product' AND entity_id = $1 AND actor LIKE '% a***n@example.test' AND position('admin@example.test' in actor) = 0",
            id.ToString()));
    }

    [Theory]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"P\",\"skus\":[{\"code\":\"c1\",\"name\":\"n\",\"price\":-1,\"stock\":1}]}", "skus[0].price")]
    [InlineData("{\"name\":\"P\",\"skus\":[{\"code\":\"c1\",\"name\":\"n\",\"price\":1.001,\"stock\":1}]}", "skus[0].price")]
    [InlineData("{\"name\":\"P\",\"skus\":[{\"code\":\"c1\",\"name\":\"n\",\"price\":1,\"stock\":-1}]}", "skus[0].stock")]
    [InlineData("{\"name\":\"P\",\"skus\":[{\"code\":\"c1\",\"name\":\"n\",\"price\":1,\"stock\":1,\"helpersRequired\":101}]}", "skus[0].helpersRequired")]
    public async Task Bad_products_are_400s_naming_the_field(string body, string field)
    {
        using var response = await platform.Admin().PostAsync("/api/promo/products", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Stock_changes_by_deltas_and_never_goes_below_zero()
    {
        var admin = platform.Admin();
        var sku = await admin.CreateSkuAsync(price: 1m, stock: 2);

        using var overwrite = await admin.PatchAsJsonAsync($"/api/promo/skus/{sku.SkuId}", new { stock = 100 });
        using var add = await admin.PostAsJsonAsync($"/api/promo/skus/{sku.SkuId}/stock", new { delta = 3 });
        using var takeTooMuch = await admin.PostAsJsonAsync($"/api/promo/skus/{sku.SkuId}/stock", new { delta = -6 });
        using var take = await admin.PostAsJsonAsync($"/api/promo/skus/{sku.SkuId}/stock", new { delta = -5 });

        Assert.Equal(HttpStatusCode.BadRequest, overwrite.StatusCode);
        Assert.Equal(5, (await add.JsonAsync()).GetProperty("stock").GetInt32());
        Assert.Equal("insufficient_stock", await takeTooMuch.ProblemCodeAsync());
        Assert.Equal(0, (await take.JsonAsync()).GetProperty("stock").GetInt32());
        Assert.Equal(2, await platform.ScalarAsync("SELECT count(*) FROM audit_logs WHERE action = 'adjust_stock' AND entity_id = $1", sku.SkuId.ToString()));
    }

    [Fact]
    public async Task An_inactive_sku_cannot_be_ordered()
    {
        var admin = platform.Admin();
        var sku = await admin.CreateSkuAsync(price: 1m, stock: 2);
        using var off = await admin.PatchAsJsonAsync($"/api/promo/skus/{sku.SkuId}", new { active = false });
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);

        using var order = await platform.Buyer(out _).PlaceAsync(new { skuId = sku.SkuId });

        Assert.Equal(HttpStatusCode.Conflict, order.StatusCode);
        Assert.Equal("sku_unavailable", await order.ProblemCodeAsync());
        Assert.Equal(2, await admin.StockAsync(sku));
    }

    private static async Task<List<Guid>> ListedIdsAsync(HttpClient client, string url) =>
        (await client.GetFromJsonAsync<JsonElement>(url)).GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
}
