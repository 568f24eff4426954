using System.Net.Mail;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Pool.Api.Data;
using Pool.Api.Seats;
using Pool.Api.Upstream;

namespace Pool.Api.Mothers;

/// <summary>
/// Mother accounts. The access token is write-only: it is checked upstream (listing the teams, which are stored so the
/// mother can take seats at once), kept encrypted, and never part of an answer or an audit row.
/// </summary>
public static class MotherEndpoints
{
    public sealed record CreateMotherRequest(string? Name, string? Email, Guid? GroupId, int? SeatLimit, string? AccessToken,
        DateTimeOffset? TokenExpiresAt, int? Priority, bool? Schedulable);

    /// <param name="ClearRateLimit">true: the mother may be scheduled again at once, whatever the upstream's last 429 said.</param>
    public sealed record UpdateMotherRequest(string? Name, string? Email, Guid? GroupId, int? SeatLimit, string? AccessToken,
        DateTimeOffset? TokenExpiresAt, int? Priority, bool? Schedulable, string? Status, bool? ClearRateLimit = null);

    public sealed record TeamResponse(string TeamId, string Name, bool Enabled, bool IsDefault);

    public sealed record MotherResponse(Guid Id, string Name, string Email, string Provider, Guid GroupId, string Status,
        int SeatLimit, int SeatsUsed, DateTimeOffset TokenExpiresAt, int Priority, bool Schedulable,
        DateTimeOffset? RateLimitedUntil, DateTimeOffset? LastUsedAt, IReadOnlyList<TeamResponse> Teams, DateTimeOffset CreatedAt);

    public sealed record SeatResponse(int Slot, string Status, string? TeamId, string? Email, DateTimeOffset? ExpiresAt);

    public sealed record SeatsResponse(IReadOnlyList<SeatResponse> Items);

    public static RouteGroupBuilder MapMothers(this RouteGroupBuilder api)
    {
        var mothers = api.MapGroup("/mothers").RequirePermission(Permissions.Pool.Mothers).WithTags("Mothers");
        mothers.MapGet("/", ListAsync);
        mothers.MapGet("/{id:guid}", GetAsync);
        mothers.MapGet("/{id:guid}/seats", SeatsAsync);
        mothers.MapPost("/", CreateAsync).RequireDomain("pool");
        mothers.MapPatch("/{id:guid}", UpdateAsync).RequireDomain("pool");
        mothers.MapDelete("/{id:guid}", DeleteAsync).RequireDomain("pool");
        mothers.MapPost("/bulk", MotherBulkAdd.AcceptAsync).RequireDomain("pool");
        return api;
    }

    private static async Task<Results<Ok<PagedResult<MotherResponse>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, Guid? groupId, string? status, PoolDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Mothers.AsNoTracking();
        if (groupId is { } g)
        {
            query = query.Where(m => m.GroupId == g);
        }
        if (status is not null)
        {
            if (!Enum.TryParse<MotherStatus>(status, ignoreCase: true, out var s) || status.Any(char.IsDigit))
            {
                return Invalid.Field("status", "status must be active, invalid or disabled.");
            }
            query = query.Where(m => m.Status == s);
        }
        var total = await query.LongCountAsync(cancellationToken);
        var mothers = await query.OrderBy(m => m.CreatedAt).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        var items = await ToResponsesAsync(db, mothers, cancellationToken);
        return TypedResults.Ok(new PagedResult<MotherResponse>(items, total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<MotherResponse>, ProblemHttpResult>> GetAsync(Guid id, PoolDbContext db, CancellationToken cancellationToken) =>
        await db.Mothers.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken) is { } mother
            ? TypedResults.Ok((await ToResponsesAsync(db, [mother], cancellationToken))[0])
            : Problems.NotFound($"Mother {id} does not exist.");

    private static async Task<Results<Ok<SeatsResponse>, ProblemHttpResult>> SeatsAsync(Guid id, PoolDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Mothers.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken) is not { } mother)
        {
            return Problems.NotFound($"Mother {id} does not exist.");
        }
        var seats = await db.Seats.AsNoTracking().Where(s => s.MotherId == id && s.Slot <= mother.SeatLimit).OrderBy(s => s.Slot).ToListAsync(cancellationToken);
        return TypedResults.Ok(new SeatsResponse(seats.ConvertAll(s =>
            new SeatResponse(s.Slot, s.Status.ToString().ToLowerInvariant(), s.TeamId, s.Email, s.ExpiresAt))));
    }

    private static async Task<Results<Created<MotherResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateMotherRequest request, HttpContext http, PoolDbContext db, IUpstreamTeamClient upstream, MotherTokens tokens,
        IOptions<PoolOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) return Invalid.Field("name", "name is required (1 to 100 characters).");
        if (NormalizeEmail(request.Email) is not { } email) return Invalid.Field("email", "email must be an email address.");
        if (request.GroupId is not { } groupId) return Invalid.Field("groupId", "groupId is required.");
        var seatLimit = request.SeatLimit ?? options.Value.DefaultSeatLimit;
        if (seatLimit is < 1 or > 1000) return Invalid.Field("seatLimit", "seatLimit must be between 1 and 1000.");
        if (string.IsNullOrWhiteSpace(request.AccessToken) || request.AccessToken.Length > 8192) return Invalid.Field("accessToken", "accessToken is required.");
        if (request.TokenExpiresAt is { } expires && expires <= now) return Invalid.Field("tokenExpiresAt", "tokenExpiresAt must be in the future.");
        if (request.Priority is < -1000 or > 1000) return Invalid.Field("priority", "priority must be between -1000 and 1000.");
        if (!await db.PoolGroups.AnyAsync(g => g.Id == groupId, cancellationToken)) return Invalid.Field("groupId", $"Pool group {groupId} does not exist.");
        if (await db.Mothers.AnyAsync(m => m.Email == email, cancellationToken)) return Problems.Conflict("email_taken", $"A mother with email {email} exists.");

        var listing = await ListTeamsAsync(upstream, request.AccessToken);
        if (listing.Problem is { } problem)
        {
            return problem;
        }
        var teams = listing.Teams!;

        var mother = new Mother
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Email = email,
            GroupId = groupId,
            SeatLimit = seatLimit,
            AccessTokenProtected = tokens.Protect(request.AccessToken),
            TokenExpiresAt = request.TokenExpiresAt ?? now.AddDays(options.Value.TokenLifetimeDays),
            Priority = request.Priority ?? 0,
            Schedulable = request.Schedulable ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await db.InTransactionAsync(async ct =>
            {
                db.Mothers.Add(mother);
                db.Seats.AddRange(Enumerable.Range(1, seatLimit).Select(slot => new Seat { MotherId = mother.Id, Slot = slot, Status = SeatStatus.Free }));
                await db.SaveChangesAsync(ct);
                await MotherTeams.UpsertAsync(db, mother.Id, teams, ct);
                db.Audit(http, "create_mother", "mother", mother.Id.ToString(), null, (await ToResponsesAsync(db, [mother], ct))[0], now);
                await db.SaveChangesAsync(ct);
            }, cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("email_taken", $"A mother with email {email} exists.");
        }
        return TypedResults.Created($"/api/pool/mothers/{mother.Id}", (await ToResponsesAsync(db, [mother], cancellationToken))[0]);
    }

    private static async Task<Results<Ok<MotherResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateMotherRequest request, HttpContext http, PoolDbContext db, IUpstreamTeamClient upstream, MotherTokens tokens,
        IOptions<PoolOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (request.Name is { } n && (n.Trim().Length is 0 or > 100)) return Invalid.Field("name", "name must be 1 to 100 characters.");
        string? email = null;
        if (request.Email is not null && (email = NormalizeEmail(request.Email)) is null) return Invalid.Field("email", "email must be an email address.");
        if (request.SeatLimit is < 1 or > 1000) return Invalid.Field("seatLimit", "seatLimit must be between 1 and 1000.");
        if (request.AccessToken is { } t && (string.IsNullOrWhiteSpace(t) || t.Length > 8192)) return Invalid.Field("accessToken", "accessToken must not be empty.");
        if (request.TokenExpiresAt is { } expires && expires <= now) return Invalid.Field("tokenExpiresAt", "tokenExpiresAt must be in the future.");
        if (request.Priority is < -1000 or > 1000) return Invalid.Field("priority", "priority must be between -1000 and 1000.");
        MotherStatus? status = null;
        if (request.Status is not null)
        {
            // Admins turn a mother on or off; "invalid" is the system's finding about its token.
            if (request.Status is not ("active" or "disabled")) return Invalid.Field("status", "status must be active or disabled.");
            status = request.Status == "active" ? MotherStatus.Active : MotherStatus.Disabled;
        }
        if (request.GroupId is { } g && !await db.PoolGroups.AnyAsync(x => x.Id == g, cancellationToken)) return Invalid.Field("groupId", $"Pool group {g} does not exist.");

        IReadOnlyList<UpstreamTeam>? teams = null;
        if (request.AccessToken is { } newToken)
        {
            var listed = await ListTeamsAsync(upstream, newToken);
            if (listed.Problem is { } problem) return problem;
            teams = listed.Teams;
        }

        return await db.InTransactionAsync<Results<Ok<MotherResponse>, ValidationProblem, ProblemHttpResult>>(async ct =>
        {
            if (await db.Mothers.FirstOrDefaultAsync(m => m.Id == id, ct) is not { } mother)
            {
                return Problems.NotFound($"Mother {id} does not exist.");
            }
            var before = (await ToResponsesAsync(db, [mother], ct))[0];
            if (request.SeatLimit is { } limit && limit != mother.SeatLimit)
            {
                if (await db.Seats.AnyAsync(s => s.MotherId == id && s.Slot > limit && s.Status != SeatStatus.Free, ct))
                {
                    return Problems.Conflict("seats_in_use", $"Slots above {limit} are in use; they must end before the limit can shrink.");
                }
                await db.Seats.Where(s => s.MotherId == id && s.Slot > limit).ExecuteDeleteAsync(ct);
                var existing = await db.Seats.CountAsync(s => s.MotherId == id, ct);
                db.Seats.AddRange(Enumerable.Range(existing + 1, Math.Max(0, limit - existing)).Select(slot => new Seat { MotherId = id, Slot = slot, Status = SeatStatus.Free }));
                mother.SeatLimit = limit;
            }
            if (request.Name is { } name) mother.Name = name.Trim();
            if (email is not null) mother.Email = email;
            if (request.GroupId is { } groupId) mother.GroupId = groupId;
            if (request.Priority is { } priority) mother.Priority = priority;
            if (request.Schedulable is { } schedulable) mother.Schedulable = schedulable;
            if (request.ClearRateLimit is true) mother.RateLimitedUntil = null;
            if (request.TokenExpiresAt is { } tokenExpiresAt) mother.TokenExpiresAt = tokenExpiresAt;
            if (request.AccessToken is { } accessToken)
            {
                mother.AccessTokenProtected = tokens.Protect(accessToken);
                // A new token gets its own lifetime: keeping the old one's expiry would mark it invalid again at once.
                mother.TokenExpiresAt = request.TokenExpiresAt ?? now.AddDays(options.Value.TokenLifetimeDays);
                // A working new token makes an invalid mother usable again (unless an admin disabled it).
                if (mother.Status == MotherStatus.Invalid) mother.Status = MotherStatus.Active;
                await MotherTeams.UpsertAsync(db, id, teams!, ct);
            }
            if (status is { } s) mother.Status = s;
            mother.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
            var after = (await ToResponsesAsync(db, [mother], ct))[0];
            db.Audit(http, "update_mother", "mother", id.ToString(), before, after, now);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(after);
        }, cancellationToken);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext http, PoolDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        await db.InTransactionAsync<Results<NoContent, ProblemHttpResult>>(async ct =>
        {
            if (await db.Mothers.FirstOrDefaultAsync(m => m.Id == id, ct) is not { } mother)
            {
                return Problems.NotFound($"Mother {id} does not exist.");
            }
            if (await db.Seats.AnyAsync(s => s.MotherId == id && s.Status != SeatStatus.Free, ct))
            {
                return Problems.Conflict("mother_has_seats", $"Mother {id} has seats in use; disable it and let them end first.");
            }
            var before = (await ToResponsesAsync(db, [mother], ct))[0];
            await db.Seats.Where(s => s.MotherId == id).ExecuteDeleteAsync(ct);
            await db.MotherTeams.Where(t => t.MotherId == id).ExecuteDeleteAsync(ct);
            await db.ChildAccounts.Where(c => c.MotherId == id).ExecuteDeleteAsync(ct);
            db.Mothers.Remove(mother);
            db.Audit(http, "delete_mother", "mother", id.ToString(), before, null, time.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }, cancellationToken);

    private sealed record TeamListing(IReadOnlyList<UpstreamTeam>? Teams, ProblemHttpResult? Problem);

    /// <summary>The token's teams, or the problem to answer: 400 when the upstream refuses it, 503 when it is unreachable.</summary>
    private static async Task<TeamListing> ListTeamsAsync(IUpstreamTeamClient upstream, string accessToken)
    {
        try
        {
            // Not the request's token: a client going away must not leave a half-validated mother behind.
            var teams = await upstream.ListTeamsAsync(accessToken, CancellationToken.None);
            return teams.Count == 0
                ? new(null, Problems.BadRequest("upstream_rejected", "The upstream accepted the access token but it manages no team."))
                : new(teams, null);
        }
        catch (UpstreamException e) when (e.Kind == UpstreamErrorKind.Rejected)
        {
            return new(null, Problems.BadRequest("upstream_rejected", "accessToken: the upstream refused the access token."));
        }
        catch (UpstreamException e)
        {
            return new(null, Problems.Create(StatusCodes.Status503ServiceUnavailable, "upstream_unavailable", $"The upstream could not check the access token: {e.Message}"));
        }
    }

    internal static string? NormalizeEmail(string? value)
    {
        var email = value?.Trim().ToLowerInvariant();
        return !string.IsNullOrEmpty(email) && email.Length <= 254 && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email ? email : null;
    }

    internal static async Task<List<MotherResponse>> ToResponsesAsync(PoolDbContext db, List<Mother> mothers, CancellationToken cancellationToken)
    {
        var ids = mothers.ConvertAll(m => m.Id);
        var used = await db.Seats.AsNoTracking().Where(s => ids.Contains(s.MotherId) && s.Status != SeatStatus.Free)
            .GroupBy(s => s.MotherId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var teams = (await db.MotherTeams.AsNoTracking().Where(t => ids.Contains(t.MotherId)).OrderBy(t => t.Id).ToListAsync(cancellationToken))
            .ToLookup(t => t.MotherId);
        return mothers.ConvertAll(m => new MotherResponse(m.Id, m.Name, m.Email, m.Provider, m.GroupId, m.Status.ToString().ToLowerInvariant(),
            m.SeatLimit, used.GetValueOrDefault(m.Id), m.TokenExpiresAt, m.Priority, m.Schedulable, m.RateLimitedUntil, m.LastUsedAt,
            [.. teams[m.Id].Select(t => new TeamResponse(t.TeamId, t.Name, t.Enabled, t.IsDefault))], m.CreatedAt));
    }
}
