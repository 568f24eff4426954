using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Pool.Api.Data;
using Pool.Api.Mothers;

namespace Pool.Api.Relay;

/// <summary>What scheduling needs of a mother; its token stays protected until the request is sent.</summary>
public sealed record RelayAccount(Guid Id, int Priority, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, string AccessTokenProtected);

/// <summary>An account chosen for one request, with its concurrency slot when accounts are limited.</summary>
public sealed record ScheduledAccount(RelayAccount Account, RelaySlots.Slot? Slot);

/// <summary>
/// Chooses the upstream account (a mother) for a relayed request: the conversation's sticky account while it is
/// schedulable, else the first of the schedulable accounts in the configured strategy's order that has a free slot.
/// </summary>
public sealed class AccountScheduler(PoolDbContext db, NpgsqlDataSource dataSource, RelaySlots slots, TimeProvider time, IOptions<RelayOptions> options, ILogger<AccountScheduler> logger)
{
    public const string RoundRobinSequence = "relay_round_robin";

    public enum Outcome
    {
        Scheduled,
        /// <summary>No account is active, schedulable, unexpired and not resting from a rate limit.</summary>
        NoAccount,
        /// <summary>Every schedulable account is at its concurrency limit.</summary>
        AllBusy,
    }

    public async Task<(Outcome Outcome, ScheduledAccount? Scheduled)> PickAsync(string? sessionHash, IReadOnlySet<Guid> tried, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (candidates, strategy, stickyAccount) = await ReadScheduleAsync(sessionHash, now, cancellationToken);
        candidates.RemoveAll(m => tried.Contains(m.Id));
        if (candidates.Count == 0)
        {
            return (Outcome.NoAccount, null);
        }

        var ordered = await OrderAsync(candidates, strategy ?? options.Value.Strategy, now, cancellationToken);
        if (stickyAccount is { } stuck)
        {
            var index = ordered.FindIndex(m => m.Id == stuck);
            if (index >= 0)
            {
                var account = ordered[index];
                ordered.RemoveAt(index);
                ordered.Insert(0, account);
            }
            else if (!tried.Contains(stuck))
            {
                // The account turned unavailable since: the conversation moves on.
                await db.StickySessions.Where(s => s.SessionHash == sessionHash && s.MotherId == stuck).ExecuteDeleteAsync(cancellationToken);
            }
        }

        var limit = options.Value.AccountConcurrency;
        foreach (var account in ordered)
        {
            RelaySlots.Slot? slot = null;
            if (limit > 0)
            {
                (slot, _) = await slots.TryTakeAsync(RelaySlots.AccountScope(account.Id), limit, cancellationToken);
                if (slot is null) continue;
            }
            await MarkUsedAsync(account.Id, sessionHash, now, cancellationToken);
            return (Outcome.Scheduled, new ScheduledAccount(account, slot));
        }
        return (Outcome.AllBusy, null);
    }

    /// <summary>A 429 the upstream attributes to the account: it rests until <paramref name="until"/> and loses its conversations.</summary>
    public async Task MarkRateLimitedAsync(Guid accountId, DateTimeOffset until)
    {
        logger.LogWarning("Upstream account {AccountId} is rate limited until {Until}", accountId, until);
        await db.Mothers.Where(m => m.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.RateLimitedUntil, until).SetProperty(m => m.UpdatedAt, time.GetUtcNow()));
        await DropConversationsAsync(accountId);
    }

    /// <summary>The account's own check was refused (401/403): its credential no longer works, so it leaves the schedule.</summary>
    public async Task MarkUnauthorizedAsync(Guid accountId)
    {
        logger.LogWarning("Upstream account {AccountId} refused its credential; marked invalid", accountId);
        await db.Mothers.Where(m => m.Id == accountId && m.Status == MotherStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MotherStatus.Invalid).SetProperty(m => m.UpdatedAt, time.GetUtcNow()));
        await DropConversationsAsync(accountId);
    }

    private Task DropConversationsAsync(Guid accountId) =>
        db.StickySessions.Where(s => s.MotherId == accountId).ExecuteDeleteAsync();

    /// <summary>
    /// Stamps the account's last use and keeps the conversation on it, in one round trip. Both are scheduling hints,
    /// so they commit without waiting for the disk: every request of an account touches its row.
    /// </summary>
    private async Task MarkUsedAsync(Guid accountId, string? sessionHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new(RelaySlots.AsyncCommit));
        batch.BatchCommands.Add(new("UPDATE mothers SET last_used_at = $2 WHERE id = $1") { Parameters = { new() { Value = accountId }, new() { Value = now } } });
        if (sessionHash is not null)
        {
            batch.BatchCommands.Add(new("""
                INSERT INTO relay_sticky_sessions (session_hash, mother_id, expires_at) VALUES ($1, $2, $3)
                ON CONFLICT (session_hash) DO UPDATE SET mother_id = excluded.mother_id, expires_at = excluded.expires_at
                """)
            {
                Parameters = { new() { Value = sessionHash }, new() { Value = accountId }, new() { Value = now.AddSeconds(options.Value.StickySessionSeconds) } },
            });
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// In one round trip: the schedulable accounts, the admin's runtime strategy (null: the configured one) and the
    /// conversation's sticky account.
    /// </summary>
    private async Task<(List<RelayAccount> Candidates, string? Strategy, Guid? Sticky)> ReadScheduleAsync(
        string? sessionHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new("""
            SELECT id, priority, created_at, last_used_at, access_token_protected FROM mothers
            WHERE status = 'active' AND schedulable AND token_expires_at > $1 AND (rate_limited_until IS NULL OR rate_limited_until <= $1)
            """) { Parameters = { new() { Value = now } } });
        batch.BatchCommands.Add(new("SELECT strategy FROM relay_settings WHERE id = $1") { Parameters = { new() { Value = RelaySetting.Current } } });
        batch.BatchCommands.Add(new("SELECT mother_id FROM relay_sticky_sessions WHERE session_hash = $1 AND expires_at > $2")
        {
            Parameters = { new() { Value = (object?)sessionHash ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }, new() { Value = now } },
        });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var candidates = new List<RelayAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add(new RelayAccount(reader.GetGuid(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4)));
        }
        await reader.NextResultAsync(cancellationToken);
        var strategy = await reader.ReadAsync(cancellationToken) ? reader.GetString(0) : null;
        await reader.NextResultAsync(cancellationToken);
        Guid? sticky = await reader.ReadAsync(cancellationToken) ? reader.GetGuid(0) : null;
        return (candidates, strategy, sticky);
    }

    /// <summary>The candidates in the order the strategy prefers them.</summary>
    private async Task<List<RelayAccount>> OrderAsync(List<RelayAccount> candidates, string strategy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byPriority = candidates.OrderByDescending(m => m.Priority).ThenBy(m => m.CreatedAt).ThenBy(m => m.Id).ToList();
        switch (strategy)
        {
            case SchedulingStrategies.Sequential:
                return byPriority;
            case SchedulingStrategies.RoundRobin:
                // One counter in pooldb, so instances take turns together.
                var turn = await db.Database.SqlQuery<long>($"SELECT nextval({RoundRobinSequence}::regclass) AS \"Value\"").SingleAsync(cancellationToken);
                var start = (int)(turn % byPriority.Count);
                return [.. byPriority[start..], .. byPriority[..start]];
            case SchedulingStrategies.LeastUsed:
                var today = UsagePeriods.Start(UsagePeriods.Day, now);
                var ids = candidates.Select(m => m.Id).ToList();
                var used = await db.UsageBuckets
                    .Where(u => u.Period == UsagePeriods.Day && u.BucketStart == today && ids.Contains(u.MotherId))
                    .GroupBy(u => u.MotherId)
                    .Select(g => new { MotherId = g.Key, Requests = g.Sum(u => u.Requests) })
                    .ToDictionaryAsync(x => x.MotherId, x => x.Requests, cancellationToken);
                return [.. byPriority.OrderBy(m => used.GetValueOrDefault(m.Id)).ThenBy(m => m.LastUsedAt ?? DateTimeOffset.MinValue)];
            case SchedulingStrategies.Random:
                var shuffled = byPriority.ToArray();
                System.Random.Shared.Shuffle(shuffled);
                return [.. shuffled];
            case SchedulingStrategies.WeightedRandom:
                // Exponential race: each account draws -ln(u)/weight and the smallest wins, i.e. chance ∝ weight (priority, at least 1).
                return [.. byPriority.OrderBy(m => -Math.Log(1 - System.Random.Shared.NextDouble()) / Math.Max(1, m.Priority))];
            default:
                return [.. byPriority.OrderBy(m => m.LastUsedAt ?? DateTimeOffset.MinValue)];
        }
    }
}
