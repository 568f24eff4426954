using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Jobs;
using Pool.Api.Data;
using Pool.Api.Seats;
using Pool.Api.Upstream;

namespace Pool.Api.Mothers;

/// <summary>
/// <c>pool_bulk_add_mothers</c>: adds each queued line's mother as <c>POST /api/pool/mothers</c> would (token checked
/// upstream, teams stored, seats made, audited as the admin who asked). Idempotent: a line whose mother exists is done.
/// A line that fails (unreadable, a bad email, an email taken, a refused token) counts in <c>failed</c> and is named in
/// the job's error. Every line failing fails the attempt (as a sync whose every team failed does), and an unreachable
/// upstream does too; a retry carries on where it stopped.
/// </summary>
public sealed class BulkAddMothersHandler(
    PoolDbContext db, IUpstreamTeamClient upstream, MotherTokens tokens, IOptions<PoolOptions> options, TimeProvider time) : IJobHandler
{
    public const string JobType = "pool_bulk_add_mothers";

    public sealed record Payload(Guid GroupId, int SeatLimit, IReadOnlyList<BulkLine> Lines, string Actor, string? ActorIp);

    public string Type => JobType;

    public async Task<JobOutcome> HandleAsync(JobExecution job, CancellationToken cancellationToken)
    {
        var payload = job.Read<Payload>();
        var failures = new List<string>();
        var succeeded = 0;
        foreach (var line in payload.Lines)
        {
            if (await AddAsync(line, payload, cancellationToken) is { } why)
            {
                failures.Add($"line {line.Line}: {why}");
            }
            else
            {
                succeeded++;
            }
            await job.ReportProgressAsync(new(payload.Lines.Count, succeeded, failures.Count), cancellationToken);
        }
        var error = failures.Count == 0 ? null : string.Join("; ", failures);
        if (succeeded == 0)
        {
            throw new BulkAddFailedException($"Every line failed: {error}");
        }
        return new JobOutcome(payload.Lines.Count, succeeded, failures.Count, error);
    }

    /// <summary>Adds one line's mother; the reason it could not, or null.</summary>
    private async Task<string?> AddAsync(BulkLine line, Payload payload, CancellationToken cancellationToken)
    {
        if (line.Error is { } unreadable) return unreadable;
        if (await db.Mothers.AnyAsync(m => m.Id == line.MotherId, cancellationToken)) return null;
        var name = line.Name!.Trim();
        if (name.Length > 100) return "name must be 1 to 100 characters";
        if (MotherEndpoints.NormalizeEmail(line.Email) is not { } email) return $"{line.Email} is not an email address";
        if (await db.Mothers.AnyAsync(m => m.Email == email, cancellationToken)) return $"a mother with email {email} exists";

        IReadOnlyList<UpstreamTeam> teams;
        try
        {
            teams = await upstream.ListTeamsAsync(tokens.Unprotect(line.AccessToken!), cancellationToken);
        }
        catch (UpstreamException e) when (e.Kind == UpstreamErrorKind.Rejected)
        {
            return "the upstream refused the access token";
        }
        if (teams.Count == 0) return "the upstream accepted the access token but it manages no team";

        var now = time.GetUtcNow();
        var mother = new Mother
        {
            Id = line.MotherId,
            Name = name,
            Email = email,
            GroupId = payload.GroupId,
            SeatLimit = payload.SeatLimit,
            AccessTokenProtected = line.AccessToken!,
            TokenExpiresAt = now.AddDays(options.Value.TokenLifetimeDays),
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await db.InTransactionAsync(async ct =>
            {
                db.Mothers.Add(mother);
                db.Seats.AddRange(Enumerable.Range(1, payload.SeatLimit).Select(slot => new Seat { MotherId = mother.Id, Slot = slot, Status = SeatStatus.Free }));
                await db.SaveChangesAsync(ct);
                await MotherTeams.UpsertAsync(db, mother.Id, teams, ct);
                db.Audit(payload.Actor, payload.ActorIp, "create_mother", "mother", mother.Id.ToString(), null,
                    (await MotherEndpoints.ToResponsesAsync(db, [mother], ct))[0], now);
                await db.SaveChangesAsync(ct);
            }, cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return $"a mother with email {email} exists";
        }
        return null;
    }
}

/// <summary>A bulk add none of whose lines could be added: the attempt fails, naming each line.</summary>
public sealed class BulkAddFailedException(string message) : Exception(message);
