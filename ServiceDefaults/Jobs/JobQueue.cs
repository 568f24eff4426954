using System.Diagnostics;
using System.Text.Json;
using Medallion.Threading;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

// The only value interpolated into SQL here is the job table's name, read from the EF model; every value is a parameter.
#pragma warning disable EF1002

namespace Platform.ServiceDefaults.Jobs;

/// <summary>Work to enqueue. <see cref="RunAt"/> delays it; <see cref="DedupeKey"/> makes it one live job.</summary>
public sealed record JobRequest(string Type, object Payload, string? DedupeKey = null, string? Actor = null, DateTimeOffset? RunAt = null);

public sealed record EnqueueResult(Job Job, bool Created);

/// <summary>Why an admin retry was refused: the job is not failed, or another live job holds its dedupe key.</summary>
public sealed record RetryRefusal(Guid LiveJobId, JobStatus LiveStatus);

public static class JobQueue
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The table <see cref="Job"/> is mapped to in this context (<c>pool_jobs</c>, <c>user_jobs</c>).</summary>
    public static string TableOf(DbContext db) =>
        db.Model.FindEntityType(typeof(Job))?.GetTableName() ?? throw new InvalidOperationException($"{db.GetType().Name} maps no Job table (call ConfigureJobs).");
}

/// <summary>
/// Enqueueing and the lease protocol of a job table (docs/jobs.md). Every lease write is one conditional
/// statement: claim with <c>FOR UPDATE SKIP LOCKED</c> (counting the attempt and writing a fresh lease token), extend and
/// finish only while the token still matches, so a runner that lost its lease writes nothing.
/// </summary>
public sealed class JobQueue<TContext>(TContext db, IOptions<JobOptions> options, TimeProvider time, IDistributedLockProvider? locks = null)
    where TContext : DbContext
{
    private static readonly TimeSpan LockWait = TimeSpan.FromMilliseconds(500);
    private readonly JobOptions _options = options.Value;
    private readonly string _table = JobQueue.TableOf(db);

    public TContext Db => db;

    /// <summary>
    /// Adds the job to the context, to be saved by the caller's SaveChanges (and transaction) with the change that
    /// caused it. A dedupe conflict then fails that save: use it where the caller already guarantees uniqueness.
    /// </summary>
    public Job Add(JobRequest request)
    {
        var job = NewJob(request);
        db.Set<Job>().Add(job);
        return job;
    }

    /// <summary>
    /// Enqueues unless a live job with the same dedupe key exists, which is then returned. The unique index over live
    /// keys is the guarantee; the short lock (<paramref name="lockName"/>) only spares the database most of the
    /// conflicting inserts, so enqueueing goes on without it when it is busy for long. The job's id is chosen once,
    /// before any attempt: when the database committed an insert but its answer was lost (a timeout on a slow
    /// server, and EF's execution strategy sent it again), the retry finds that row by its id, and this request
    /// reports the job as the one it created, as it is.
    /// </summary>
    public async Task<EnqueueResult> EnqueueAsync(JobRequest request, string? lockName = null, CancellationToken cancellationToken = default)
    {
        await using var handle = lockName is null || locks is null ? null : await locks.TryAcquireLockAsync(lockName, LockWait, cancellationToken);
        var job = NewJob(request);
        for (var attempt = 0; ; attempt++)
        {
            if (request.DedupeKey is { } key && await LiveAsync(key, cancellationToken) is { } live)
            {
                return new EnqueueResult(live, live.Id == job.Id);
            }
            // Any conflict does nothing: the live key's (another request's job), or the id's (our own insert, retried).
            var inserted = await db.Set<Job>().FromSqlRaw($$"""
                INSERT INTO {{_table}} (id, type, payload, dedupe_key, status, attempts, max_attempts, visible_until, actor, trace_parent, total, succeeded, failed, created_at)
                VALUES ({0}, {1}, {2}::jsonb, {3}, 'pending', 0, {4}, {5}, {6}, {8}, 0, 0, 0, {7})
                ON CONFLICT DO NOTHING
                RETURNING *
                """, job.Id, job.Type, job.Payload, (object?)job.DedupeKey ?? DBNull.Value, job.MaxAttempts, job.VisibleUntil,
                (object?)job.Actor ?? DBNull.Value, job.CreatedAt, (object?)job.TraceParent ?? DBNull.Value).AsNoTracking().ToListAsync(cancellationToken);
            if (inserted.Count == 1)
            {
                return new EnqueueResult(inserted[0], true);
            }
            if (await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == job.Id, cancellationToken) is { } ours)
            {
                return new EnqueueResult(ours, true);
            }
            // Another request inserted it between our read and our insert (or it finished meanwhile): read again.
            if (attempt >= 10)
            {
                throw new InvalidOperationException($"Could not enqueue {request.Type} ({request.DedupeKey}): the live job kept changing.");
            }
        }
    }

    public Task<Job?> LiveAsync(string dedupeKey, CancellationToken cancellationToken) =>
        db.Set<Job>().AsNoTracking()
            .Where(j => j.DedupeKey == dedupeKey && (j.Status == JobStatus.Pending || j.Status == JobStatus.Running))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>Claims the due pending job that has waited longest, counting the attempt now and writing a fresh lease token.</summary>
    public async Task<Job?> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claimed = await db.Set<Job>().FromSqlRaw($$"""
            UPDATE {{_table}} SET status = 'running', attempts = attempts + 1, lease_token = {0}, visible_until = {1}, started_at = {2}
            WHERE id = (
                SELECT id FROM {{_table}} WHERE status = 'pending' AND visible_until <= {2}
                ORDER BY visible_until, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *
            """, Guid.NewGuid(), now + _options.VisibilityTimeout, now).AsNoTracking().ToListAsync(cancellationToken);
        return claimed.Count == 1 ? claimed[0] : null;
    }

    /// <summary>
    /// Running jobs whose lease ran out (their runner died or stalled) go back to pending, or to failed when they have
    /// used their attempts: the attempt was counted at claim, so a job that kills its runner cannot loop forever.
    /// </summary>
    public Task<int> ReapExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.Database.ExecuteSqlRawAsync($$"""
            UPDATE {{_table}} SET
                status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                finished_at = CASE WHEN attempts >= max_attempts THEN {0} END,
                lease_token = NULL, visible_until = {0},
                last_error = 'lease expired: the runner stopped or stalled mid-job'
            WHERE status = 'running' AND visible_until < {0}
            """, [now], cancellationToken);
    }

    /// <summary>Moves the lease end forward; false when the lease is no longer ours (nothing is written then).</summary>
    public async Task<bool> ExtendAsync(Guid id, Guid leaseToken, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlRawAsync($$"""
            UPDATE {{_table}} SET visible_until = {2} WHERE id = {0} AND lease_token = {1} AND status = 'running'
            """, [id, leaseToken, time.GetUtcNow() + _options.VisibilityTimeout], cancellationToken) == 1;

    /// <summary>Writes a running job's counts so far and extends its lease; false when the lease is no longer ours.</summary>
    public async Task<bool> ProgressAsync(Guid id, Guid leaseToken, JobOutcome progress, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlRawAsync($$"""
            UPDATE {{_table}} SET visible_until = {2}, total = {3}, succeeded = {4}, failed = {5}
            WHERE id = {0} AND lease_token = {1} AND status = 'running'
            """, [id, leaseToken, time.GetUtcNow() + _options.VisibilityTimeout, progress.Total, progress.Succeeded, progress.Failed],
            cancellationToken) == 1;

    /// <summary>
    /// Marks the job succeeded with its counts, if the lease is still ours; the outcome's error (the items that
    /// failed) becomes its <c>last_error</c>, else that is cleared.
    /// </summary>
    public async Task<bool> CompleteAsync(Guid id, Guid leaseToken, JobOutcome outcome, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlRawAsync($$"""
            UPDATE {{_table}} SET status = 'succeeded', finished_at = {2}, lease_token = NULL, last_error = {6},
                total = {3}, succeeded = {4}, failed = {5}
            WHERE id = {0} AND lease_token = {1} AND status = 'running'
            """, [id, leaseToken, time.GetUtcNow(), outcome.Total, outcome.Succeeded, outcome.Failed,
                // Typed, because EF cannot map a bare DBNull in raw SQL.
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = outcome.Error is { } error ? Truncate(error) : DBNull.Value }],
            cancellationToken) == 1;

    /// <summary>
    /// Hands a job back at once, if the lease is still ours: its runner is stopping before the job finished. The
    /// attempt is refunded (the host stopped, the job did not fail), and any runner may claim it now rather than
    /// after the lease runs out.
    /// </summary>
    public async Task<bool> ReleaseAsync(Guid id, Guid leaseToken, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlRawAsync($$"""
            UPDATE {{_table}} SET status = 'pending', attempts = GREATEST(attempts - 1, 0), lease_token = NULL,
                visible_until = {2}, last_error = 'released: its runner stopped before the job finished'
            WHERE id = {0} AND lease_token = {1} AND status = 'running'
            """, [id, leaseToken, time.GetUtcNow()], cancellationToken) == 1;

    /// <summary>
    /// Records a failed attempt, if the lease is still ours: back to pending after the backoff while attempts remain,
    /// else failed for good.
    /// </summary>
    public async Task<bool> FailAsync(Guid id, Guid leaseToken, int attempt, string error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.Database.ExecuteSqlRawAsync($$"""
            UPDATE {{_table}} SET
                status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                finished_at = CASE WHEN attempts >= max_attempts THEN {2} END,
                visible_until = CASE WHEN attempts >= max_attempts THEN {2} ELSE {3} END,
                lease_token = NULL, last_error = {4}
            WHERE id = {0} AND lease_token = {1} AND status = 'running'
            """, [id, leaseToken, now, now + _options.Backoff(attempt), Truncate(error)], cancellationToken) == 1;
    }

    /// <summary>
    /// An administrator's retry: a failed job goes back to pending with its attempts reset. Refused (with the live job
    /// named) when the job is not failed, or when another live job already holds its dedupe key.
    /// </summary>
    public async Task<(Job? Job, RetryRefusal? Refusal)> RetryAsync(Guid id, CancellationToken cancellationToken)
    {
        var job = await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return (null, null);
        }
        if (job.Status != JobStatus.Failed)
        {
            return (job, new RetryRefusal(job.Id, job.Status));
        }
        if (job.DedupeKey is { } dedupeKey && await LiveAsync(dedupeKey, cancellationToken) is { } newer)
        {
            return (job, new RetryRefusal(newer.Id, newer.Status));
        }
        try
        {
            var reset = await db.Set<Job>().FromSqlRaw($$"""
                UPDATE {{_table}} SET status = 'pending', attempts = 0, visible_until = {1}, finished_at = NULL, lease_token = NULL
                WHERE id = {0} AND status = 'failed'
                RETURNING *
                """, id, time.GetUtcNow()).AsNoTracking().ToListAsync(cancellationToken);
            if (reset.Count == 1)
            {
                return (reset[0], null);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation) { }

        // Someone retried it first, or a newer job of the same work is live.
        var current = await db.Set<Job>().AsNoTracking().FirstAsync(j => j.Id == id, cancellationToken);
        if (current.Status != JobStatus.Failed)
        {
            return (current, new RetryRefusal(current.Id, current.Status));
        }
        var live = current.DedupeKey is { } key ? await LiveAsync(key, cancellationToken) : null;
        return (current, live is null ? new RetryRefusal(current.Id, current.Status) : new RetryRefusal(live.Id, live.Status));
    }

    private Job NewJob(JobRequest request)
    {
        var now = time.GetUtcNow();
        return new Job
        {
            Id = Guid.CreateVersion7(),
            Type = request.Type,
            Payload = JsonSerializer.Serialize(request.Payload, JobQueue.Json),
            DedupeKey = request.DedupeKey,
            Status = JobStatus.Pending,
            MaxAttempts = _options.MaxAttempts,
            VisibleUntil = request.RunAt ?? now,
            Actor = request.Actor,
            TraceParent = Activity.Current?.Id,
            CreatedAt = now,
        };
    }

    private static string Truncate(string error) => error.Length > 2000 ? error[..2000] : error;
}
