using Microsoft.EntityFrameworkCore;
using Promo.Api.Data;

namespace Promo.Api.Legacy;

/// <summary>
/// Compares promo with the legacy database after an import: every kept legacy row must have its promo row with the
/// same amounts, the price sums must agree, and no imported (order, campaign) pair may have a second promo row.
/// Duplicates inside the legacy tables are listed but are no problem: the import resolves them by the highest id.
/// </summary>
public sealed class LegacyCheck(PromoDbContext db)
{
    public async Task<CheckReport> RunAsync(LegacySource source, int limit, int batchSize, CancellationToken cancellationToken)
    {
        var campaigns = new TableCheck("active", "promo_campaigns", limit)
        {
            LegacyRows = await source.CountCampaignRowsAsync(cancellationToken),
            LegacyDuplicates = await source.FindCampaignDuplicatesAsync(limit, cancellationToken),
        };
        var (applicationRows, legacyPriceSumAll) = await source.CountApplicationRowsAsync(cancellationToken);
        var applications = new TableCheck("active_user_record", "promo_campaign_applications", limit)
        {
            LegacyRows = applicationRows,
            LegacyDuplicates = await source.FindApplicationDuplicatesAsync(limit, cancellationToken),
        };

        await foreach (var batch in source.ReadCampaignsAsync(batchSize, cancellationToken))
        {
            await CompareCampaignsAsync(batch, campaigns, cancellationToken);
        }
        campaigns.PromoRows = await db.Campaigns.LongCountAsync(cancellationToken);

        // Few pairs can have a second row (promo's unique index covers live rows only), so one grouping pass finds them
        // all instead of a lookup by order per batch.
        var promoPairs = await db.CampaignApplications.AsNoTracking()
            .GroupBy(a => new { a.OrderBid, a.CampaignBid })
            .Where(g => g.Count() > 1)
            .Select(g => new { g.Key.OrderBid, g.Key.CampaignBid, Rows = g.Count() })
            .ToDictionaryAsync(p => (p.OrderBid, p.CampaignBid), p => p.Rows, cancellationToken);
        decimal legacyPriceSum = 0, promoDiscountSum = 0;
        await foreach (var batch in source.ReadApplicationsAsync(batchSize, cancellationToken))
        {
            var (legacy, promo) = await CompareApplicationsAsync(batch, promoPairs, applications, cancellationToken);
            legacyPriceSum += legacy;
            promoDiscountSum += promo;
        }
        applications.PromoRows = await db.CampaignApplications.LongCountAsync(cancellationToken);

        return new CheckReport(campaigns, applications, legacyPriceSum, legacyPriceSumAll, promoDiscountSum);
    }

    private async Task CompareCampaignsAsync(IReadOnlyList<LegacyCampaignRow> batch, TableCheck check, CancellationToken cancellationToken)
    {
        var bids = batch.Select(r => r.ActiveId).ToList();
        var promo = await db.Campaigns.AsNoTracking().Where(c => bids.Contains(c.CampaignBid))
            .ToDictionaryAsync(c => c.CampaignBid, cancellationToken);
        foreach (var row in batch)
        {
            check.Kept++;
            if (!promo.TryGetValue(row.ActiveId, out var actual))
            {
                check.Missing.Add($"active_id={row.ActiveId} (id={row.Id})");
                continue;
            }
            check.Matched++;
            var expected = LegacyMapping.ToCampaign(row);
            if (actual.Value != expected.Value || actual.DiscountType != expected.DiscountType)
            {
                check.AmountDiffers.Add($"campaign_bid={row.ActiveId}: promo {actual.DiscountType} {actual.Value}, legacy {expected.DiscountType} {expected.Value} (active_price)");
            }
        }
    }

    private async Task<(decimal LegacyPriceSum, decimal PromoDiscountSum)> CompareApplicationsAsync(IReadOnlyList<LegacyApplicationRow> batch,
        Dictionary<(string, string), int> promoPairs, TableCheck check, CancellationToken cancellationToken)
    {
        var bids = batch.Select(r => r.RecordId).ToList();
        var byBid = await db.CampaignApplications.AsNoTracking().Where(a => bids.Contains(a.CampaignApplicationBid))
            .ToDictionaryAsync(a => a.CampaignApplicationBid, cancellationToken);

        decimal legacySum = 0, promoSum = 0;
        foreach (var row in batch)
        {
            check.Kept++;
            legacySum += row.Price;
            if (promoPairs.TryGetValue((row.OrderId, row.ActiveId), out var rows))
            {
                check.PromoDuplicates.Add($"order_bid={row.OrderId} campaign_bid={row.ActiveId}: {rows} rows");
            }
            if (!byBid.TryGetValue(row.RecordId, out var actual))
            {
                check.Missing.Add($"record_id={row.RecordId} (id={row.Id}, order_id={row.OrderId}, active_id={row.ActiveId})");
                continue;
            }
            check.Matched++;
            promoSum += actual.DiscountAmount;
            var expected = LegacyMapping.Money(row.Price);
            if (actual.DiscountAmount != expected || actual.Value != expected)
            {
                check.AmountDiffers.Add($"campaign_application_bid={row.RecordId}: promo value {actual.Value} discount_amount {actual.DiscountAmount}, legacy price {row.Price}");
            }
        }
        return (legacySum, promoSum);
    }
}
