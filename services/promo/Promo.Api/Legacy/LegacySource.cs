using System.Data;
using System.Runtime.CompilerServices;
using Npgsql;

namespace Promo.Api.Legacy;

/// <summary>
/// The legacy database, read in one read-only repeatable-read transaction so that counts, duplicates and rows all
/// come from the same snapshot and nothing can ever be written there. One connection: callers finish one read
/// (including a whole <c>Read…Async</c> enumeration) before starting the next.
/// </summary>
public sealed class LegacySource : IAsyncDisposable
{
    // The highest id wins: campaigns by active_id; records first by (order_id, active_id), then by record_id, because
    // record_id becomes the primary key of promo_campaign_applications and must not be taken twice.
    private const string KeptCampaigns = """
        SELECT DISTINCT ON (active_id) id, active_id, active_name, active_desc, active_join_type, active_status,
               active_start_time, active_end_time, active_discount_type, active_price, active_channel,
               active_filter::text, created_at, updated_at, deleted <> 0
        FROM active
        ORDER BY active_id, id DESC
        """;

    private const string LatestRecordPerPair = """
        SELECT DISTINCT ON (order_id, active_id) *
        FROM active_user_record
        ORDER BY order_id, active_id, id DESC
        """;

    private const string KeptApplications = $"""
        SELECT DISTINCT ON (record_id) id, record_id, active_id, order_id, user_id, active_name, price, status,
               created_at, updated_at, deleted <> 0
        FROM ({LatestRecordPerPair}) AS latest
        ORDER BY record_id, id DESC
        """;

    private const string CampaignTotals = "SELECT count(*) FROM active";

    private const string ApplicationTotals = "SELECT count(*), coalesce(sum(price), 0) FROM active_user_record";

    private const string CampaignDuplicates = """
        SELECT 'active_id=' || active_id, array_agg(id ORDER BY id DESC), count(*) OVER ()
        FROM active
        GROUP BY active_id
        HAVING count(*) > 1
        ORDER BY 1
        LIMIT @limit
        """;

    private const string ApplicationDuplicates = $"""
        SELECT key, ids, count(*) OVER ()
        FROM (
            SELECT 'order_id=' || order_id || ' active_id=' || active_id AS key, array_agg(id ORDER BY id DESC) AS ids
            FROM active_user_record
            GROUP BY order_id, active_id
            HAVING count(*) > 1
            UNION ALL
            SELECT 'record_id=' || record_id, array_agg(id ORDER BY id DESC)
            FROM ({LatestRecordPerPair}) AS latest
            GROUP BY record_id
            HAVING count(*) > 1
        ) AS duplicates
        ORDER BY key
        LIMIT @limit
        """;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _snapshot;

    private LegacySource(NpgsqlConnection connection, NpgsqlTransaction snapshot)
    {
        _connection = connection;
        _snapshot = snapshot;
    }

    public static async Task<LegacySource> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, snapshot))
            {
                await readOnly.ExecuteNonQueryAsync(cancellationToken);
            }
            return new LegacySource(connection, snapshot);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Rows of <c>active</c> the import keeps (one per active_id), by active_id.</summary>
    public IAsyncEnumerable<IReadOnlyList<LegacyCampaignRow>> ReadCampaignsAsync(int batchSize, CancellationToken cancellationToken) =>
        ReadBatchesAsync(KeptCampaigns, r => new LegacyCampaignRow(
            Id: r.GetInt64(0),
            ActiveId: r.GetString(1),
            Name: TextOrEmpty(r, 2),
            Description: Text(r, 3),
            JoinType: Text(r, 4),
            Status: Text(r, 5),
            StartTime: r.GetDateTime(6),
            EndTime: r.GetDateTime(7),
            DiscountType: r.IsDBNull(8) ? 0 : r.GetInt32(8),
            Price: r.IsDBNull(9) ? 0m : r.GetDecimal(9),
            Channel: Text(r, 10),
            Filter: Text(r, 11),
            CreatedAt: r.GetDateTime(12),
            UpdatedAt: r.GetDateTime(13),
            Deleted: !r.IsDBNull(14) && r.GetBoolean(14)), batchSize, cancellationToken);

    /// <summary>Rows of <c>active_user_record</c> the import keeps (one per (order_id, active_id) and per record_id), by record_id.</summary>
    public IAsyncEnumerable<IReadOnlyList<LegacyApplicationRow>> ReadApplicationsAsync(int batchSize, CancellationToken cancellationToken) =>
        ReadBatchesAsync(KeptApplications, r => new LegacyApplicationRow(
            Id: r.GetInt64(0),
            RecordId: r.GetString(1),
            ActiveId: TextOrEmpty(r, 2),
            OrderId: TextOrEmpty(r, 3),
            UserId: TextOrEmpty(r, 4),
            ActiveName: TextOrEmpty(r, 5),
            Price: r.IsDBNull(6) ? 0m : r.GetDecimal(6),
            Status: Text(r, 7),
            CreatedAt: r.GetDateTime(8),
            UpdatedAt: r.GetDateTime(9),
            Deleted: !r.IsDBNull(10) && r.GetBoolean(10)), batchSize, cancellationToken);

    /// <summary>All rows of <c>active</c>, duplicates included.</summary>
    public async Task<long> CountCampaignRowsAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(CampaignTotals);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>All rows of <c>active_user_record</c> and the sum of their prices, duplicates included.</summary>
    public async Task<(long Rows, decimal PriceSum)> CountApplicationRowsAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(ApplicationTotals);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetDecimal(1));
    }

    public Task<LegacyDuplicates> FindCampaignDuplicatesAsync(int limit, CancellationToken cancellationToken) =>
        FindDuplicatesAsync(CampaignDuplicates, limit, cancellationToken);

    public Task<LegacyDuplicates> FindApplicationDuplicatesAsync(int limit, CancellationToken cancellationToken) =>
        FindDuplicatesAsync(ApplicationDuplicates, limit, cancellationToken);

    private async Task<LegacyDuplicates> FindDuplicatesAsync(string sql, int limit, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var first = new List<LegacyDuplicate>();
        long total = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var ids = reader.GetFieldValue<long[]>(1);
            first.Add(new LegacyDuplicate(reader.GetString(0), ids[0], ids[1..]));
            total = reader.GetInt64(2);
        }
        return new LegacyDuplicates(total, first);
    }

    private async IAsyncEnumerable<IReadOnlyList<T>> ReadBatchesAsync<T>(
        string sql, Func<NpgsqlDataReader, T> read, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var batch = new List<T>(batchSize);
        while (await reader.ReadAsync(cancellationToken))
        {
            batch.Add(read(reader));
            if (batch.Count == batchSize)
            {
                yield return batch;
                batch = new List<T>(batchSize);
            }
        }
        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private NpgsqlCommand Command(string sql) => new(sql, _connection, _snapshot);

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string TextOrEmpty(NpgsqlDataReader reader, int ordinal) => Text(reader, ordinal) ?? "";

    public async ValueTask DisposeAsync()
    {
        // Nothing was written: ending the snapshot is all there is to do.
        await _snapshot.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
