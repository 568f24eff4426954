using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Jobs;
using Pool.Api.Data;
using Pool.Api.Mothers;
using Pool.Api.Upstream;

namespace Pool.Api.Seats;

/// <summary>
/// <c>seat_allocate</c>: seats a redemption's email on a mother of its group and answers users. The seat is held
/// (30 s) while the upstream invite runs outside any transaction; committing it checks, under the allocation row's
/// lock, that users did not cancel meanwhile; if they did, the late seat is removed upstream at once. Idempotent:
/// a rerun finds the allocation answered, or reuses the seat it already holds (inviting twice is harmless).
/// </summary>
public sealed partial class SeatAllocationHandler(
    PoolDbContext db, JobQueue<PoolDbContext> jobs, IUpstreamTeamClient upstream, MotherTokens tokens,
    IOptions<PoolOptions> options, TimeProvider time, ILogger<SeatAllocationHandler> logger) : IJobHandler
{
    public const string JobType = "seat_allocate";

    public sealed record Payload(Guid RedemptionId);

    public string Type => JobType;

    private readonly PoolOptions _options = options.Value;

    public static JobRequest Request(Guid redemptionId) => new(JobType, new Payload(redemptionId), $"{JobType}:{redemptionId}", "users");

    public async Task<JobOutcome> HandleAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var redemptionId = job.Read<Payload>().RedemptionId;
        // Each mother whose token the upstream refuses is marked invalid and the next one is tried.
        for (var tries = 0; tries < 20; tries++)
        {
            var allocation = await db.SeatAllocations.AsNoTracking().FirstOrDefaultAsync(a => a.RedemptionId == redemptionId, cancellationToken);
            if (allocation is not { Status: AllocationStatus.Pending })
            {
                return JobOutcome.Done;
            }
            var seat = await db.Seats.AsNoTracking().FirstOrDefaultAsync(s => s.RedemptionId == redemptionId, cancellationToken);
            if (allocation.CancelRequested)
            {
                await SeatCancellation.CancelAsync(db, upstream, tokens, time, allocation, seat, cancellationToken);
                return JobOutcome.Done;
            }
            if (seat is null)
            {
                var (held, reason) = await HoldSeatAsync(allocation, cancellationToken);
                if (held is null)
                {
                    await FailAsync(redemptionId, reason, cancellationToken);
                    return JobOutcome.Done;
                }
                seat = held;
            }

            var mother = await db.Mothers.AsNoTracking().FirstAsync(m => m.Id == seat.MotherId, cancellationToken);
            UpstreamMember member;
            try
            {
                member = await upstream.InviteAsync(tokens.Unprotect(mother), seat.TeamId!, allocation.Email, cancellationToken);
            }
            catch (UpstreamException e) when (e.Kind == UpstreamErrorKind.Rejected)
            {
                LogMotherRejected(logger, mother.Id);
                await db.Mothers.Where(m => m.Id == mother.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MotherStatus.Invalid), cancellationToken);
                await ReleaseHoldAsync(seat.Id, redemptionId, cancellationToken);
                continue;
            }
            catch (UpstreamException e) when (job.IsLastAttempt)
            {
                // No attempt is left: answer now rather than leave users waiting for their timeout.
                await ReleaseHoldAsync(seat.Id, redemptionId, cancellationToken);
                await FailAsync(redemptionId, "upstream_unavailable: " + e.Message, cancellationToken);
                return JobOutcome.Done;
            }

            var cancelled = await CommitAsync(redemptionId, seat, mother, member, cancellationToken);
            if (cancelled is not null)
            {
                await SeatCancellation.CancelAsync(db, upstream, tokens, time, cancelled, seat, cancellationToken);
            }
            return JobOutcome.Done;
        }
        await FailAsync(redemptionId, "no_valid_mother", cancellationToken);
        return JobOutcome.Done;
    }

    /// <summary>
    /// Holds the lowest free slot of the fullest active mother of the group on an enabled team where the email has no
    /// seat. Contention (another allocation took the row or the (team, email) key) is retried with backoff.
    /// </summary>
    private async Task<(Seat? Seat, string Reason)> HoldSeatAsync(SeatAllocation allocation, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(_options.AllocationBackoffMilliseconds);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await db.InTransactionAsync(ct => TryHoldAsync(allocation, ct), cancellationToken);
            }
            catch (Exception e) when (attempt < _options.AllocationRetries && IsContention(e))
            {
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, _options.AllocationMaxBackoffMilliseconds));
            }
        }
    }

    private async Task<(Seat? Seat, string Reason)> TryHoldAsync(SeatAllocation allocation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var group = await db.PoolGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == allocation.GroupId, cancellationToken);
        if (group is not { Active: true })
        {
            return (null, group is null ? "group_unknown" : "group_inactive");
        }
        // A mother whose token expired is marked invalid and skipped.
        await db.Mothers.Where(m => m.GroupId == group.Id && m.Status == MotherStatus.Active && m.TokenExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MotherStatus.Invalid), cancellationToken);

        var email = allocation.Email;
        while (true)
        {
            var candidates = await db.Seats.FromSql($"""
                SELECT s.* FROM seats s JOIN mothers m ON m.id = s.mother_id
                WHERE m.group_id = {group.Id} AND m.status = 'active' AND s.slot <= m.seat_limit
                  AND (s.status = 'free' OR (s.status = 'held' AND s.held_until < {now}))
                  AND EXISTS (SELECT 1 FROM mother_teams t WHERE t.mother_id = m.id AND t.enabled
                              AND NOT EXISTS (SELECT 1 FROM seats x WHERE x.team_id = t.team_id AND x.email = {email}))
                ORDER BY (SELECT count(*) FROM seats u WHERE u.mother_id = m.id AND u.status <> 'free') DESC, m.created_at, m.id, s.slot
                LIMIT 1
                FOR UPDATE OF s SKIP LOCKED
                """).ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                return (null, "group_full");
            }
            var seat = candidates[0];
            var mother = await db.Mothers.AsNoTracking().FirstAsync(m => m.Id == seat.MotherId, cancellationToken);
            if (seat.Status == SeatStatus.Held && await HoldWentThroughAsync(seat, mother, cancellationToken))
            {
                // The expired hold's invite did reach the upstream: the seat is taken; its own job completes it.
                seat.Status = SeatStatus.Used;
                await db.SaveChangesAsync(cancellationToken);
                continue;
            }
            var team = await db.MotherTeams.AsNoTracking()
                .Where(t => t.MotherId == mother.Id && t.Enabled && !db.Seats.Any(x => x.TeamId == t.TeamId && x.Email == email))
                .OrderByDescending(t => t.IsDefault).ThenBy(t => t.Id).FirstAsync(cancellationToken);
            seat.Status = SeatStatus.Held;
            seat.HeldUntil = now.AddSeconds(_options.SeatHoldSeconds);
            seat.TeamId = team.TeamId;
            seat.Email = email;
            seat.RedemptionId = allocation.RedemptionId;
            seat.ExpiresAt = null;
            await db.SaveChangesAsync(cancellationToken);
            return (seat, "");
        }
    }

    /// <summary>Whether the email of an expired hold is on the upstream team after all (checked before reusing the slot).</summary>
    private async Task<bool> HoldWentThroughAsync(Seat seat, Mother mother, CancellationToken cancellationToken)
    {
        if (seat.TeamId is null || seat.Email is null)
        {
            return false;
        }
        var members = await upstream.ListMembersAsync(tokens.Unprotect(mother), seat.TeamId, _options.SyncMemberLimit, cancellationToken);
        return members.Any(m => string.Equals(m.Email, seat.Email, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Makes the held seat used and answers SeatAllocated, unless users cancelled: then returns the allocation.</summary>
    private Task<SeatAllocation?> CommitAsync(Guid redemptionId, Seat held, Mother mother, UpstreamMember member, CancellationToken cancellationToken) =>
        db.InTransactionAsync<SeatAllocation?>(async ct =>
        {
            var allocation = await SeatAllocationRows.LockAsync(db, redemptionId, ct);
            if (allocation.Status != AllocationStatus.Pending || allocation.CancelRequested)
            {
                return allocation.CancelRequested && allocation.Status == AllocationStatus.Pending ? allocation : null;
            }
            var now = time.GetUtcNow();
            var expiresAt = now.AddDays(allocation.SeatDays);
            var seat = await db.Seats.FirstAsync(s => s.Id == held.Id && s.RedemptionId == redemptionId, ct);
            seat.Status = SeatStatus.Used;
            seat.HeldUntil = null;
            seat.AllocatedAt = now;
            seat.ExpiresAt = expiresAt;
            SeatAllocationTransitions.Allocate(db, allocation, seat, expiresAt, now);
            await ChildAccounts.RecordInvitedAsync(db, mother.Id, seat.TeamId!, allocation.Email, member.Id, now, ct);
            await db.Mothers.Where(m => m.Id == mother.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.LastUsedAt, now), ct);
            // The seat ends after its days: a delayed job removes the member and frees the slot.
            jobs.Add(SeatReleaseHandler.Request(redemptionId, SeatReleaseHandler.Expired, runAt: expiresAt));
            await db.SaveChangesAsync(ct);
            return null;
        }, cancellationToken);

    private Task ReleaseHoldAsync(long seatId, Guid redemptionId, CancellationToken cancellationToken) =>
        db.Seats.Where(s => s.Id == seatId && s.RedemptionId == redemptionId && s.Status == SeatStatus.Held)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, SeatStatus.Free).SetProperty(x => x.HeldUntil, (DateTimeOffset?)null)
                .SetProperty(x => x.TeamId, (string?)null).SetProperty(x => x.Email, (string?)null)
                .SetProperty(x => x.RedemptionId, (Guid?)null), cancellationToken);

    private Task FailAsync(Guid redemptionId, string reason, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var allocation = await SeatAllocationRows.LockAsync(db, redemptionId, ct);
            if (allocation.Status != AllocationStatus.Pending)
            {
                return;
            }
            SeatAllocationTransitions.Fail(db, allocation, reason, time.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }, cancellationToken);

    private static bool IsContention(Exception e) =>
        e is DbUpdateException { InnerException: Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } }
        || e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation or Npgsql.PostgresErrorCodes.SerializationFailure };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The upstream refused mother {MotherId}'s token: marked invalid, trying another mother")]
    private static partial void LogMotherRejected(ILogger logger, Guid motherId);
}
