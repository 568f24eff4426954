using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Promo.Tests.Campaigns;

[Collection(PromoCollection.Name)]
public sealed class CampaignTests(PromoPlatform platform)
{
    [Theory]
    [InlineData("percent", 101, 0, 1, "value")]
    [InlineData("percent", 0, 0, 1, "value")]
    [InlineData("fixed", 1.234, 0, 1, "value")]
    [InlineData(null, 5, 0, 1, "discountType")]
    [InlineData("fixed", 5, 2, 1, "endAt")]
    public async Task Bad_campaigns_are_400s_naming_the_field(string? discountType, double value, int startDays, int endDays, string field)
    {
        var now = platform.Clock.GetUtcNow();
        using var response = await platform.Admin().PostAsJsonAsync("/api/promo/campaigns", new
        {
            name = "bad",
            joinType = "auto",
            discountType,
            value = (decimal)value,
            startAt = now.AddDays(startDays),
            endAt = now.AddDays(endDays),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task An_unknown_enum_value_is_a_400_not_a_500()
    {
        var now = platform.Clock.GetUtcNow();
        using var response = await platform.Admin().PostAsJsonAsync("/api/promo/campaigns", new
        {
            name = "bad",
            joinType = "sometimes",
            discountType = "fixed",
            value = 1m,
            startAt = now,
            endAt = now.AddDays(1),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Inactive_deleted_and_future_campaigns_do_not_apply_and_changes_are_audited()
    {
        var admin = platform.Admin();
        var now = platform.Clock.GetUtcNow();
        var sku = await admin.CreateSkuAsync(price: 100m, stock: 5);
        var scope = new { skuIds = new[] { sku.SkuId } };
        var paused = await admin.CreateCampaignAsync(now, "auto", "fixed", 1m, scope);
        var deleted = await admin.CreateCampaignAsync(now, "auto", "fixed", 2m, scope);
        var live = await admin.CreateCampaignAsync(now, "auto", "fixed", 4m, scope);
        using var pause = await admin.PatchAsJsonAsync($"/api/promo/campaigns/{paused}", new { status = "inactive" });
        using var delete = await admin.DeleteAsync($"/api/promo/campaigns/{deleted}");
        using var future = await admin.PostAsJsonAsync("/api/promo/campaigns", new
        {
            name = "later",
            joinType = "auto",
            discountType = "fixed",
            value = 8m,
            startAt = now.AddDays(1),
            endAt = now.AddDays(2),
            filter = scope,
        });
        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Created, future.StatusCode);

        var order = await platform.Buyer(out _).OrderAsync(new { skuId = sku.SkuId });
        using var gone = await admin.GetAsync($"/api/promo/campaigns/{deleted}");

        Assert.Equal([live], order.GetProperty("campaigns").EnumerateArray().Select(c => c.GetProperty("campaignBid").GetString()));
        Assert.Equal(96m, order.Money("payAmount"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(1, await platform.ScalarAsync("SELECT count(*) FROM promo_campaigns WHERE campaign_bid = $1 AND deleted", deleted));
        Assert.Equal(2, await platform.ScalarAsync("SELECT count(*) FROM audit_logs WHERE entity = 'campaign' AND entity_id = $1", paused));
        var campaign = await admin.GetFromJsonAsync<JsonElement>($"/api/promo/campaigns/{paused}");
        Assert.Equal("inactive", campaign.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Campaign_and_coupon_admin_is_for_admins_only()
    {
        using var list = await platform.Buyer(out _).GetAsync("/api/promo/campaigns");
        using var coupons = await platform.Buyer(out _).GetAsync("/api/promo/coupons");

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, coupons.StatusCode);
    }
}
