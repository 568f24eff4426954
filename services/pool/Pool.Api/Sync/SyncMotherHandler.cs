using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Jobs;
using Pool.Api.Data;
using Pool.Api.Groups;
using Pool.Api.Mothers;
using Pool.Api.Upstream;

namespace Pool.Api.Sync;

/// <summary>
/// <c>pool_sync_mother</c>: brings pooldb in line with one mother's upstream teams. Teams are upserted from the
/// listing, renamed when their name does not follow the group's template, and their members (up to
/// <c>Pool:SyncMemberLimit</c> per team) recorded as child accounts, never the mother's own email. Idempotent: a
/// renamed team matches the template the next time, and child accounts are unique per (mother, team, email).
/// Counts are per team; a team that failed is an item-level failure, all teams failing fails the attempt.
/// When asked, free seats are then filled with accounts from the group's email template (<see cref="TemplateInvites"/>),
/// each invite counted as an item.
/// </summary>
public sealed partial class SyncMotherHandler(
    PoolDbContext db, IUpstreamTeamClient upstream, MotherTokens tokens, PoolMetrics metrics, TemplateInvites invites,
    IOptions<PoolOptions> options, TimeProvider time, ILogger<SyncMotherHandler> logger) : IJobHandler
{
    public const string JobType = "pool_sync_mother";

    public sealed record Payload(Guid MotherId, Guid GroupId, bool InviteTemplateEmails = false);

    public string Type => JobType;

    public static JobRequest Request(Guid motherId, Guid groupId, string? actor, bool inviteTemplateEmails = false) =>
        new(JobType, new Payload(motherId, groupId, inviteTemplateEmails), $"{JobType}:{motherId}:{groupId}", actor);

    public static string LockName(Guid motherId, Guid groupId) => $"pool_sync:{motherId}:{groupId}";

    public async Task<JobOutcome> HandleAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var payload = job.Read<Payload>();
        var mother = await db.Mothers.AsNoTracking().FirstOrDefaultAsync(m => m.Id == payload.MotherId, cancellationToken);
        var group = await db.PoolGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == payload.GroupId, cancellationToken);
        if (mother is null || group is null || mother.GroupId != group.Id || mother.Status == MotherStatus.Disabled)
        {
            // Deleted, moved or disabled since it was enqueued: nothing to bring in line.
            return new JobOutcome(0, 0, 0);
        }
        var token = tokens.Unprotect(mother);

        IReadOnlyList<UpstreamTeam> teams;
        try
        {
            teams = await upstream.ListTeamsAsync(token, cancellationToken);
            metrics.SyncAction("list_teams", "ok");
        }
        catch (UpstreamException e) when (e.Kind == UpstreamErrorKind.Rejected)
        {
            metrics.SyncAction("list_teams", "error");
            await db.Mothers.Where(m => m.Id == mother.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MotherStatus.Invalid), cancellationToken);
            LogRejected(logger, mother.Id);
            return new JobOutcome(0, 0, 1);
        }
        catch (UpstreamException)
        {
            metrics.SyncAction("list_teams", "error");
            throw;
        }
        await MotherTeams.UpsertAsync(db, mother.Id, teams, cancellationToken);

        int succeeded = 0, failed = 0;
        foreach (var team in teams)
        {
            try
            {
                await SyncTeamAsync(mother, group, team, token, cancellationToken);
                succeeded++;
            }
            catch (UpstreamException e) when (e.Kind != UpstreamErrorKind.Rejected)
            {
                LogTeamFailed(logger, e, team.Id, mother.Id);
                failed++;
            }
        }
        if (teams.Count > 0 && succeeded == 0)
        {
            throw new UpstreamException(UpstreamErrorKind.Unavailable, $"Every team of mother {mother.Id} failed to sync.");
        }
        if (payload.InviteTemplateEmails && mother.Status == MotherStatus.Active)
        {
            var (invited, inviteFailed) = await invites.FillFreeSeatsAsync(mother, group, token, cancellationToken);
            return new JobOutcome(teams.Count + invited + inviteFailed, succeeded + invited, failed + inviteFailed);
        }
        return new JobOutcome(teams.Count, succeeded, failed);
    }

    private async Task SyncTeamAsync(Mother mother, PoolGroup group, UpstreamTeam team, string token, CancellationToken cancellationToken)
    {
        if (!Templates.Matches(group.TeamNameTemplate, group, team.Name))
        {
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var name = Templates.Render(group.TeamNameTemplate, group, today, await Templates.NextSequenceAsync(db, group.Id, "team", today, cancellationToken));
            try
            {
                await upstream.RenameTeamAsync(token, team.Id, name, cancellationToken);
                metrics.SyncAction("rename_team", "ok");
            }
            catch (UpstreamException)
            {
                metrics.SyncAction("rename_team", "error");
                throw;
            }
            await db.MotherTeams.Where(t => t.MotherId == mother.Id && t.TeamId == team.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Name, name), cancellationToken);
        }

        IReadOnlyList<UpstreamMember> members;
        try
        {
            members = await upstream.ListMembersAsync(token, team.Id, options.Value.SyncMemberLimit, cancellationToken);
            metrics.SyncAction("list_members", "ok");
        }
        catch (UpstreamException)
        {
            metrics.SyncAction("list_members", "error");
            throw;
        }
        var now = time.GetUtcNow();
        var created = 0;
        foreach (var member in members.Take(options.Value.SyncMemberLimit))
        {
            var email = member.Email.Trim().ToLowerInvariant();
            if (email.Length == 0 || string.Equals(email, mother.Email, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            created += await db.Database.ExecuteSqlAsync($"""
                INSERT INTO child_accounts (mother_id, team_id, email, status, member_id, created_at)
                VALUES ({mother.Id}, {team.Id}, {email}, 'active', {member.Id}, {now})
                ON CONFLICT (mother_id, team_id, email) DO NOTHING
                """, cancellationToken);
        }
        metrics.SyncAction("create_child", "ok", created);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The upstream refused mother {MotherId}'s token during sync: marked invalid")]
    private static partial void LogRejected(ILogger logger, Guid motherId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync of team {TeamId} of mother {MotherId} failed")]
    private static partial void LogTeamFailed(ILogger logger, Exception exception, string teamId, Guid motherId);
}
