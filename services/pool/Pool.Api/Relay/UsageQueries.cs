using Microsoft.EntityFrameworkCore;
using Pool.Api.Data;

namespace Pool.Api.Relay;

/// <summary>Usage totals of one bucket and one group (an API key, an account or a model).</summary>
public sealed record UsageRow(DateTimeOffset BucketStart, string Group, long InputTokens, long OutputTokens,
    long CacheCreateTokens, long CacheReadTokens, long Requests, decimal Cost);

/// <summary>Requests and tokens per minute, averaged over the last minutes.</summary>
public sealed record RealtimeUsage(int WindowMinutes, long Requests, long Tokens, double Rpm, double Tpm);

public sealed class UsageQueries(PoolDbContext db, TimeProvider time)
{
    public async Task<decimal> KeyCostTodayAsync(string apiKeyId, CancellationToken cancellationToken)
    {
        var today = UsagePeriods.Start(UsagePeriods.Day, time.GetUtcNow());
        return await db.UsageBuckets.Where(u => u.ApiKeyId == apiKeyId && u.Period == UsagePeriods.Day && u.BucketStart == today)
            .SumAsync(u => u.Cost, cancellationToken);
    }

    /// <summary>Buckets of <paramref name="period"/> in [from, to), grouped by <paramref name="by"/> (key, account or model).</summary>
    public async Task<List<UsageRow>> ByAsync(IQueryable<UsageBucket> scope, string by, string period, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var rows = scope.Where(u => u.Period == period && u.BucketStart >= from && u.BucketStart < to);
        var grouped = by switch
        {
            "account" => rows.GroupBy(u => new { u.BucketStart, Group = u.MotherId.ToString() }),
            "model" => rows.GroupBy(u => new { u.BucketStart, Group = u.Model }),
            _ => rows.GroupBy(u => new { u.BucketStart, Group = u.ApiKeyId }),
        };
        return await grouped
            .OrderBy(g => g.Key.BucketStart).ThenBy(g => g.Key.Group)
            .Take(5000)
            .Select(g => new UsageRow(g.Key.BucketStart, g.Key.Group, g.Sum(u => u.InputTokens), g.Sum(u => u.OutputTokens),
                g.Sum(u => u.CacheCreateTokens), g.Sum(u => u.CacheReadTokens), g.Sum(u => u.Requests), g.Sum(u => u.Cost)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>RPM and TPM over the last <paramref name="minutes"/> minute buckets, the current one included.</summary>
    public async Task<RealtimeUsage> RealtimeAsync(IQueryable<UsageBucket> scope, int minutes, CancellationToken cancellationToken)
    {
        var since = UsagePeriods.Start(UsagePeriods.Minute, time.GetUtcNow()).AddMinutes(1 - minutes);
        var totals = await scope.Where(u => u.Period == UsagePeriods.Minute && u.BucketStart >= since)
            .GroupBy(_ => 1)
            .Select(g => new { Requests = g.Sum(u => u.Requests), Tokens = g.Sum(u => u.InputTokens + u.OutputTokens + u.CacheCreateTokens + u.CacheReadTokens) })
            .FirstOrDefaultAsync(cancellationToken);
        var requests = totals?.Requests ?? 0;
        var tokens = totals?.Tokens ?? 0;
        return new RealtimeUsage(minutes, requests, tokens, (double)requests / minutes, (double)tokens / minutes);
    }
}
