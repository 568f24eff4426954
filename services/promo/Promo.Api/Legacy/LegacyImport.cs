using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Data;
using Promo.Api.Campaigns;
using Promo.Api.Data;

namespace Promo.Api.Legacy;

/// <summary>What one table's import did: rows kept after resolving duplicates, and what became of them in promo.</summary>
public sealed record UpsertCounts(long Kept, long Inserted, long Updated, long Unchanged)
{
    public static readonly UpsertCounts None = new(0, 0, 0, 0);

    public static UpsertCounts operator +(UpsertCounts a, UpsertCounts b) =>
        new(a.Kept + b.Kept, a.Inserted + b.Inserted, a.Updated + b.Updated, a.Unchanged + b.Unchanged);
}

/// <summary>The import's outcome; <c>*Rows</c> count every legacy row, duplicates included.</summary>
public sealed record ImportResult(
    long CampaignRows, UpsertCounts Campaigns, long FiltersNotUnderstood, long ApplicationRows, UpsertCounts Applications);

/// <summary>
/// Copies the kept legacy rows into promo_campaigns and promo_campaign_applications: upsert by bid, one transaction
/// per batch, writing only rows whose content differs, so a rerun writes nothing and an interrupted run is finished
/// by running it again.
/// </summary>
public sealed partial class LegacyImport(PromoDbContext db, ILogger<LegacyImport> logger)
{
    public async Task<ImportResult> RunAsync(LegacySource source, int batchSize, CancellationToken cancellationToken)
    {
        // The service's AddMigration does this when it starts; the command does not start the service.
        await db.Database.MigrateAsync(cancellationToken);

        var campaignRows = await source.CountCampaignRowsAsync(cancellationToken);
        var (applicationRows, _) = await source.CountApplicationRowsAsync(cancellationToken);

        var campaigns = UpsertCounts.None;
        long filtersNotUnderstood = 0;
        await foreach (var batch in source.ReadCampaignsAsync(batchSize, cancellationToken))
        {
            var rows = batch.Select(LegacyMapping.ToCampaign).ToList();
            var counts = await db.InTransactionAsync(ct => UpsertCampaignsAsync(rows, ct), cancellationToken);
            campaigns += counts;
            filtersNotUnderstood += batch.Count(r => !LegacyMapping.TryReadFilter(r.Filter, out _));
            LogBatch(logger, "promo_campaigns", counts.Inserted, counts.Updated, counts.Unchanged);
        }

        var applications = UpsertCounts.None;
        await foreach (var batch in source.ReadApplicationsAsync(batchSize, cancellationToken))
        {
            var rows = batch.Select(LegacyMapping.ToApplication).ToList();
            var counts = await db.InTransactionAsync(ct => UpsertApplicationsAsync(rows, ct), cancellationToken);
            applications += counts;
            LogBatch(logger, "promo_campaign_applications", counts.Inserted, counts.Updated, counts.Unchanged);
        }

        return new ImportResult(campaignRows, campaigns, filtersNotUnderstood, applicationRows, applications);
    }

    private async Task<UpsertCounts> UpsertCampaignsAsync(List<Campaign> rows, CancellationToken cancellationToken)
    {
        var bids = rows.ConvertAll(c => c.CampaignBid);
        var existing = await db.Campaigns.Where(c => bids.Contains(c.CampaignBid)).ToDictionaryAsync(c => c.CampaignBid, cancellationToken);
        return await SaveAsync(rows, existing, c => c.CampaignBid, cancellationToken);
    }

    private async Task<UpsertCounts> UpsertApplicationsAsync(List<CampaignApplication> rows, CancellationToken cancellationToken)
    {
        var bids = rows.ConvertAll(a => a.CampaignApplicationBid);
        var existing = await db.CampaignApplications.Where(a => bids.Contains(a.CampaignApplicationBid))
            .ToDictionaryAsync(a => a.CampaignApplicationBid, cancellationToken);
        return await SaveAsync(rows, existing, a => a.CampaignApplicationBid, cancellationToken);
    }

    private async Task<UpsertCounts> SaveAsync<T>(List<T> rows, Dictionary<string, T> existing, Func<T, string> bid, CancellationToken cancellationToken)
        where T : class
    {
        long inserted = 0, updated = 0;
        foreach (var row in rows)
        {
            if (!existing.TryGetValue(bid(row), out var current))
            {
                db.Add(row);
                inserted++;
                continue;
            }
            // EF marks only the properties whose value changes, so an identical row stays Unchanged and is not written.
            var entry = db.Entry(current);
            entry.CurrentValues.SetValues(row);
            if (entry.State == EntityState.Modified)
            {
                updated++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return new UpsertCounts(rows.Count, inserted, updated, rows.Count - inserted - updated);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy import batch into {Table}: {Inserted} inserted, {Updated} updated, {Unchanged} unchanged")]
    private static partial void LogBatch(ILogger logger, string table, long inserted, long updated, long unchanged);
}
