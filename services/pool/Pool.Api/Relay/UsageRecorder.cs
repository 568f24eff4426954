using Microsoft.Extensions.Options;
using Npgsql;

namespace Pool.Api.Relay;

/// <summary>
/// Adds one response's usage to its minute, hour, day and month buckets of (API key, account, model) in one
/// statement; concurrent requests add up, as the database does the addition.
/// </summary>
public sealed class UsageRecorder(NpgsqlDataSource database, IOptions<RelayOptions> options, PoolMetrics metrics)
{
    public async Task RecordAsync(string apiKeyId, Guid? userId, Guid accountId, TokenUsage usage, DateTimeOffset at)
    {
        var cost = usage.CostWith(options.Value.PriceOf(usage.Model));
        await using var command = database.CreateCommand("""
            INSERT INTO relay_usage (period, bucket_start, api_key_id, mother_id, model, user_id,
                input_tokens, output_tokens, cache_create_tokens, cache_read_tokens, requests, cost)
            SELECT p.period, p.bucket_start, $1, $2, $3, $4, $5, $6, $7, $8, 1, $9
            FROM unnest($10::text[], $11::timestamptz[]) AS p(period, bucket_start)
            ON CONFLICT (api_key_id, period, bucket_start, mother_id, model) DO UPDATE SET
                input_tokens = relay_usage.input_tokens + excluded.input_tokens,
                output_tokens = relay_usage.output_tokens + excluded.output_tokens,
                cache_create_tokens = relay_usage.cache_create_tokens + excluded.cache_create_tokens,
                cache_read_tokens = relay_usage.cache_read_tokens + excluded.cache_read_tokens,
                requests = relay_usage.requests + 1,
                cost = relay_usage.cost + excluded.cost
            """);
        string[] periods = [UsagePeriods.Minute, UsagePeriods.Hour, UsagePeriods.Day, UsagePeriods.Month];
        foreach (var value in new object?[] { apiKeyId, accountId, usage.Model, userId, usage.Input, usage.Output, usage.CacheCreate, usage.CacheRead, cost,
            periods, periods.Select(p => UsagePeriods.Start(p, at)).ToArray() })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        await command.ExecuteNonQueryAsync(CancellationToken.None);
        metrics.RelayTokens(usage);
    }
}
