using Microsoft.Extensions.Options;
using Npgsql;

namespace Pool.Api.Relay;

/// <summary>
/// Requests in flight per API key and per account, counted in pooldb so every instance sees the same numbers, with
/// or without Redis. Taking a slot counts the scope's live slots and inserts one under a transaction-scoped advisory
/// lock on the scope, so two instances cannot both take the last one. A slot is released once, when the response
/// ends; one whose holder died stops counting when its lease runs out. Slots are bookkeeping, not records: their
/// writes commit without waiting for the WAL flush (a database crash can only resurrect a slot until its lease ends),
/// so requests of one key do not queue behind each other's disk syncs.
/// </summary>
public sealed class RelaySlots(NpgsqlDataSource database, TimeProvider time, IOptions<RelayOptions> options)
{
    public static string KeyScope(string apiKeyId) => "key:" + apiKeyId;

    public static string AccountScope(Guid motherId) => "account:" + motherId;

    /// <summary>A slot of <paramref name="scope"/>, or null with the count in flight when <paramref name="limit"/> are taken.</summary>
    public async Task<(Slot? Slot, int InFlight)> TryTakeAsync(string scope, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7();
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new(AsyncCommit));
        batch.BatchCommands.Add(new("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))") { Parameters = { new() { Value = scope } } });
        // One implicit transaction: the lock holds until the insert is done.
        batch.BatchCommands.Add(new("""
            WITH live AS (SELECT count(*)::int AS n FROM relay_slots WHERE scope = $1 AND expires_at > $2),
                 taken AS (INSERT INTO relay_slots (id, scope, expires_at) SELECT $3, $1, $4 FROM live WHERE live.n < $5 RETURNING id)
            SELECT live.n, (SELECT count(*) FROM taken)::int FROM live
            """)
        {
            Parameters = { new() { Value = scope }, new() { Value = now }, new() { Value = id }, new() { Value = now + Lease }, new() { Value = limit } },
        });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var inFlight = reader.GetInt32(0);
        return reader.GetInt32(1) == 1 ? (new Slot(this, id), inFlight + 1) : (null, inFlight);
    }

    /// <summary>Requests of <paramref name="scope"/> in flight now.</summary>
    public async Task<int> CountAsync(string scope, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT count(*)::int FROM relay_slots WHERE scope = $1 AND expires_at > $2");
        command.Parameters.Add(new() { Value = scope });
        command.Parameters.Add(new() { Value = time.GetUtcNow() });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.SlotLeaseSeconds);

    /// <summary>Long responses keep their slots: the lease is renewed while bytes still flow.</summary>
    public async Task RenewAsync(IEnumerable<Slot> slots, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("UPDATE relay_slots SET expires_at = $2 WHERE id = ANY($1)");
        command.Parameters.Add(new() { Value = slots.Select(s => s.Id).ToArray() });
        command.Parameters.Add(new() { Value = time.GetUtcNow() + Lease });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ReleaseAsync(Guid id)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new(AsyncCommit));
        batch.BatchCommands.Add(new("DELETE FROM relay_slots WHERE id = $1") { Parameters = { new() { Value = id } } });
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>First command of a batch (one implicit transaction) whose commit need not wait for the disk.</summary>
    public const string AsyncCommit = "SELECT set_config('synchronous_commit', 'off', true)";

    /// <summary>A taken slot; disposing releases it, exactly once however often it is called.</summary>
    public sealed class Slot(RelaySlots slots, Guid id) : IAsyncDisposable
    {
        private int _released;

        public Guid Id { get; } = id;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                await slots.ReleaseAsync(Id);
            }
        }
    }

    public TimeSpan RenewEvery => Lease / 3;
}
