using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Jobs;
using Users.Api.Data;
using Users.Api.Profiles;

namespace Users.Api.BulkStatus;

/// <summary>
/// <c>user_bulk_disable</c> / <c>user_bulk_enable</c>: gives each listed user the status, exactly as the single-user
/// endpoint does (status, audit row, <c>UserDisabled</c>/<c>UserEnabled</c> through the outbox), a batch per
/// transaction, with the counts written after each. Idempotent: a user who already has the status counts as
/// succeeded and gets nothing written, so a rerun after a crash or a repeated request publishes nothing twice. An
/// id that names no user is an item-level failure, named in the job's <c>last_error</c>.
/// </summary>
public abstract class BulkStatusHandler(ProfileStatus target, UsersDbContext db, IOptions<BulkStatusOptions> options, TimeProvider time) : IJobHandler
{
    public const string DisableType = "user_bulk_disable";
    public const string EnableType = "user_bulk_enable";

    /// <summary>The users, in the order they are changed, and who asked (as their audit rows name them).</summary>
    public sealed record Payload(IReadOnlyList<Guid> UserIds, string Actor, string? ActorIp);

    /// <summary>How many unknown ids <c>last_error</c> lists before it only counts the rest.</summary>
    private const int NamedFailures = 20;

    public abstract string Type { get; }

    public static string TypeFor(ProfileStatus status) => status == ProfileStatus.Disabled ? DisableType : EnableType;

    public async Task<JobOutcome> HandleAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var payload = job.Read<Payload>();
        if (payload.UserIds is null || payload.Actor is null)
        {
            throw new InvalidOperationException($"Job {job.Id}'s payload needs userIds and actor.");
        }
        var total = payload.UserIds.Count;
        var succeeded = 0;
        var unknown = new List<Guid>();
        await job.ReportProgressAsync(new JobOutcome(total), cancellationToken);
        foreach (var batch in payload.UserIds.Chunk(options.Value.BatchSize))
        {
            var found = await db.InTransactionAsync(async ct =>
            {
                // Locked in id order, so jobs whose users overlap cannot deadlock.
                var profiles = await db.Profiles
                    .FromSql($"SELECT * FROM user_profiles WHERE id = ANY({batch}) ORDER BY id FOR UPDATE")
                    .ToListAsync(ct);
                var now = time.GetUtcNow();
                foreach (var profile in profiles)
                {
                    db.ChangeStatus(profile, target, payload.Actor, payload.ActorIp, now);
                }
                await db.SaveChangesAsync(ct);
                return profiles.ConvertAll(p => p.Id);
            }, cancellationToken);
            succeeded += found.Count;
            unknown.AddRange(batch.Except(found));
            await job.ReportProgressAsync(new JobOutcome(total, succeeded, unknown.Count), cancellationToken);
        }
        return new JobOutcome(total, succeeded, unknown.Count, unknown.Count == 0 ? null : Describe(unknown));
    }

    private static string Describe(List<Guid> unknown)
    {
        var named = string.Join(", ", unknown.Take(NamedFailures));
        var rest = unknown.Count - NamedFailures;
        return $"{unknown.Count} user(s) do not exist: {named}" + (rest > 0 ? $" and {rest} more" : "");
    }
}

public sealed class BulkDisableHandler(UsersDbContext db, IOptions<BulkStatusOptions> options, TimeProvider time)
    : BulkStatusHandler(ProfileStatus.Disabled, db, options, time)
{
    public override string Type => DisableType;
}

public sealed class BulkEnableHandler(UsersDbContext db, IOptions<BulkStatusOptions> options, TimeProvider time)
    : BulkStatusHandler(ProfileStatus.Active, db, options, time)
{
    public override string Type => EnableType;
}
