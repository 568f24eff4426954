using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;
using Pool.Api.Data;
using Pool.Api.Groups;
using Pool.Api.Mothers;
using Pool.Api.Seats;
using Pool.Api.Upstream;

namespace Pool.Api.Sync;

/// <summary>
/// The optional part of a sync: fills a mother's free seats with new accounts named by the group's email template.
/// Each seat is held with its generated email before the invite, so a rerun (after a crash or a retry) re-invites
/// the accounts it already named (inviting twice is harmless) instead of naming new ones: each seat is filled once.
/// </summary>
public sealed partial class TemplateInvites(
    PoolDbContext db, IUpstreamTeamClient upstream, PoolMetrics metrics, IOptions<PoolOptions> options, TimeProvider time,
    ILogger<TemplateInvites> logger)
{
    /// <summary>Invites into every free seat; returns how many invites went through and how many failed.</summary>
    public async Task<(int Invited, int Failed)> FillFreeSeatsAsync(Mother mother, PoolGroup group, string token, CancellationToken cancellationToken)
    {
        int invited = 0, failed = 0;
        while (await NextSeatAsync(mother, group, cancellationToken) is { } seat)
        {
            try
            {
                var member = await upstream.InviteAsync(token, seat.TeamId!, seat.Email!, cancellationToken);
                metrics.SyncAction("invite_template", "ok");
                await MarkUsedAsync(mother, seat, member, cancellationToken);
                invited++;
            }
            catch (UpstreamException e)
            {
                // The upstream is in trouble: the hold runs out and the next sync (or an allocation, after checking
                // the member list) takes the seat; no more invites this round.
                metrics.SyncAction("invite_template", "error");
                LogInviteFailed(logger, e, seat.Slot, mother.Id);
                failed++;
                break;
            }
        }
        return (invited, failed);
    }

    /// <summary>A seat this sync already named and held, else the lowest free one, held now with a new template email.</summary>
    private Task<Seat?> NextSeatAsync(Mother mother, PoolGroup group, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            // Seats read by earlier rounds are stale (their updates bypassed the change tracker).
            db.ChangeTracker.Clear();
            var now = time.GetUtcNow();
            var held = await db.Seats.FromSql($"""
                SELECT * FROM seats WHERE mother_id = {mother.Id} AND status = 'held' AND redemption_id IS NULL AND email IS NOT NULL
                ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED
                """).FirstOrDefaultAsync(ct);
            if (held is not null)
            {
                held.HeldUntil = now.AddSeconds(options.Value.SeatHoldSeconds);
                await db.SaveChangesAsync(ct);
                return held;
            }
            var team = await db.MotherTeams.AsNoTracking().Where(t => t.MotherId == mother.Id && t.Enabled)
                .OrderByDescending(t => t.IsDefault).ThenBy(t => t.Id).FirstOrDefaultAsync(ct);
            var free = team is null ? null : await db.Seats.FromSql($"""
                SELECT s.* FROM seats s JOIN mothers m ON m.id = s.mother_id
                WHERE s.mother_id = {mother.Id} AND s.status = 'free' AND s.slot <= m.seat_limit
                ORDER BY s.slot LIMIT 1 FOR UPDATE OF s SKIP LOCKED
                """).FirstOrDefaultAsync(ct);
            if (free is null)
            {
                return null;
            }
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var sequence = await Templates.NextSequenceAsync(db, group.Id, "email", today, ct);
            free.Status = SeatStatus.Held;
            free.HeldUntil = now.AddSeconds(options.Value.SeatHoldSeconds);
            free.TeamId = team!.TeamId;
            free.Email = Templates.Render(group.EmailTemplate, group, today, sequence).ToLowerInvariant();
            await db.SaveChangesAsync(ct);
            return free;
        }, cancellationToken);

    private Task MarkUsedAsync(Mother mother, Seat seat, UpstreamMember member, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var now = time.GetUtcNow();
            var updated = await db.Seats.Where(s => s.Id == seat.Id && s.Status == SeatStatus.Held && s.RedemptionId == null && s.Email == seat.Email)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SeatStatus.Used).SetProperty(x => x.HeldUntil, (DateTimeOffset?)null)
                    .SetProperty(x => x.AllocatedAt, now), ct);
            if (updated == 1)
            {
                await ChildAccounts.RecordInvitedAsync(db, mother.Id, seat.TeamId!, seat.Email!, member.Id, now, ct);
            }
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inviting a template account into slot {Slot} of mother {MotherId} failed")]
    private static partial void LogInviteFailed(ILogger logger, Exception exception, int slot, Guid motherId);
}
