using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Jobs;
using Pool.Api.Data;
using Pool.Api.Mothers;
using Pool.Api.Sync;

namespace Pool.Api.Groups;

/// <summary>Pool groups: CRUD and "sync every mother of the group" (one deduplicated job per mother).</summary>
public static partial class PoolGroupEndpoints
{
    public sealed record PoolGroupRequest(string? Name, string? TeamNameTemplate, string? EmailTemplate, string? EmailDomain, bool? Active);

    public sealed record PoolGroupResponse(Guid Id, string Name, string TeamNameTemplate, string EmailTemplate, string? EmailDomain,
        bool Active, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    /// <param name="InviteTemplateEmails">Also fill each mother's free seats with new accounts from the group's email template.</param>
    public sealed record SyncRequest(bool? InviteTemplateEmails);

    public sealed record SyncResponse(int Enqueued, int Reused, IReadOnlyList<Guid> JobIds);

    public static RouteGroupBuilder MapPoolGroups(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/pool-groups").RequirePermission(Permissions.Pool.Groups).WithTags("Pool groups");
        groups.MapGet("/", ListAsync);
        groups.MapGet("/{id:guid}", GetAsync);
        groups.MapPost("/", CreateAsync).RequireDomain("pool");
        groups.MapPatch("/{id:guid}", UpdateAsync).RequireDomain("pool");
        groups.MapDelete("/{id:guid}", DeleteAsync).RequireDomain("pool");
        groups.MapPost("/{id:guid}/sync", SyncAsync).RequireDomain("pool");
        return api;
    }

    private static async Task<Results<Ok<PagedResult<PoolGroupResponse>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, bool? active, PoolDbContext db, CancellationToken cancellationToken)
    {
        var query = db.PoolGroups.AsNoTracking();
        if (active is { } a)
        {
            query = query.Where(g => g.Active == a);
        }
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderBy(g => g.Name).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<PoolGroupResponse>(items.ConvertAll(ToResponse), total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<PoolGroupResponse>, ProblemHttpResult>> GetAsync(Guid id, PoolDbContext db, CancellationToken cancellationToken) =>
        await db.PoolGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, cancellationToken) is { } group
            ? TypedResults.Ok(ToResponse(group))
            : Problems.NotFound($"Pool group {id} does not exist.");

    private static async Task<Results<Created<PoolGroupResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        PoolGroupRequest request, HttpContext http, PoolDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var group = new PoolGroup { Id = Guid.CreateVersion7(), Name = "", CreatedAt = now, UpdatedAt = now };
        if (Apply(group, request, creating: true) is { } invalid)
        {
            return invalid;
        }
        if (await db.PoolGroups.AnyAsync(g => g.Name == group.Name, cancellationToken))
        {
            return Problems.Conflict("name_taken", $"A pool group named '{group.Name}' exists.");
        }
        db.PoolGroups.Add(group);
        db.Audit(http, "create_pool_group", "pool_group", group.Id.ToString(), null, ToResponse(group), now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("name_taken", $"A pool group named '{group.Name}' exists.");
        }
        return TypedResults.Created($"/api/pool/pool-groups/{group.Id}", ToResponse(group));
    }

    private static async Task<Results<Ok<PoolGroupResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, PoolGroupRequest request, HttpContext http, PoolDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.PoolGroups.FirstOrDefaultAsync(g => g.Id == id, cancellationToken) is not { } group)
        {
            return Problems.NotFound($"Pool group {id} does not exist.");
        }
        var before = ToResponse(group);
        if (Apply(group, request, creating: false) is { } invalid)
        {
            return invalid;
        }
        if (group.Name != before.Name && await db.PoolGroups.AnyAsync(g => g.Name == group.Name && g.Id != id, cancellationToken))
        {
            return Problems.Conflict("name_taken", $"A pool group named '{group.Name}' exists.");
        }
        group.UpdatedAt = time.GetUtcNow();
        db.Audit(http, "update_pool_group", "pool_group", id.ToString(), before, ToResponse(group), group.UpdatedAt);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToResponse(group));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext http, PoolDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.PoolGroups.FirstOrDefaultAsync(g => g.Id == id, cancellationToken) is not { } group)
        {
            return Problems.NotFound($"Pool group {id} does not exist.");
        }
        if (await db.Mothers.AnyAsync(m => m.GroupId == id, cancellationToken))
        {
            return Problems.Conflict("group_in_use", $"Pool group {id} still has mothers: move or delete them first.");
        }
        db.PoolGroups.Remove(group);
        db.Audit(http, "delete_pool_group", "pool_group", id.ToString(), ToResponse(group), null, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// One <c>pool_sync_mother</c> job per mother of the group. Concurrent requests share the live job: a short lock per
    /// (mother, group) and the live-job unique key mean exactly one is created, the rest get it back (with the options
    /// it was enqueued with). The body is optional.
    /// </summary>
    private static async Task<Results<Accepted<SyncResponse>, ValidationProblem, ProblemHttpResult>> SyncAsync(
        Guid id, SyncRequest? request, HttpContext http, PoolDbContext db, JobQueue<PoolDbContext> jobs, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await db.PoolGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, cancellationToken) is not { } group)
        {
            return Problems.NotFound($"Pool group {id} does not exist.");
        }
        var invite = request?.InviteTemplateEmails == true;
        if (invite && group.EmailDomain is null && group.EmailTemplate.Contains("{domain}", StringComparison.Ordinal))
        {
            return Invalid.Field("inviteTemplateEmails", "The group's email template uses {domain} but the group has no emailDomain; set one first.");
        }
        var mothers = await db.Mothers.AsNoTracking()
            .Where(m => m.GroupId == id && m.Status != MotherStatus.Disabled)
            .OrderBy(m => m.CreatedAt).Select(m => m.Id).ToListAsync(cancellationToken);
        var actor = http.User.FindFirst(Platform.ServiceDefaults.Auth.InternalClaims.Subject)?.Value;
        int enqueued = 0, reused = 0;
        var jobIds = new List<Guid>();
        foreach (var motherId in mothers)
        {
            var result = await jobs.EnqueueAsync(SyncMotherHandler.Request(motherId, id, actor, invite), SyncMotherHandler.LockName(motherId, id), cancellationToken);
            jobIds.Add(result.Job.Id);
            _ = result.Created ? enqueued++ : reused++;
        }
        var response = new SyncResponse(enqueued, reused, jobIds);
        db.Audit(http, "sync_pool_group", "pool_group", id.ToString(), null, response, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/api/pool/jobs?type={SyncMotherHandler.JobType}", response);
    }

    /// <summary>Copies the given fields onto the group; the first invalid one is the answer.</summary>
    private static ValidationProblem? Apply(PoolGroup group, PoolGroupRequest request, bool creating)
    {
        if (creating || request.Name is not null)
        {
            var name = request.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 100 || !NamePattern().IsMatch(name))
            {
                return Invalid.Field("name", "name is required: 1 to 100 letters, digits, '-', '_' or '.'.");
            }
            group.Name = name;
        }
        if (request.TeamNameTemplate is { } teamTemplate)
        {
            if (Templates.Validate(teamTemplate) is { } why) return Invalid.Field("teamNameTemplate", $"teamNameTemplate {why}.");
            group.TeamNameTemplate = teamTemplate;
        }
        if (request.EmailTemplate is { } emailTemplate)
        {
            if (Templates.Validate(emailTemplate) is { } why) return Invalid.Field("emailTemplate", $"emailTemplate {why}.");
            if (!emailTemplate.Contains('@')) return Invalid.Field("emailTemplate", "emailTemplate must render an email address (contain '@').");
            group.EmailTemplate = emailTemplate;
        }
        if (request.EmailDomain is { } domain)
        {
            domain = domain.Trim().ToLowerInvariant();
            if (domain.Length == 0)
            {
                group.EmailDomain = null;
            }
            else if (domain.Length > 200 || !DomainPattern().IsMatch(domain))
            {
                return Invalid.Field("emailDomain", "emailDomain must be a domain name such as example.com.");
            }
            else
            {
                group.EmailDomain = domain;
            }
        }
        if (request.Active is { } active)
        {
            group.Active = active;
        }
        return null;
    }

    public static PoolGroupResponse ToResponse(PoolGroup g) =>
        new(g.Id, g.Name, g.TeamNameTemplate, g.EmailTemplate, g.EmailDomain, g.Active, g.CreatedAt, g.UpdatedAt);

    [GeneratedRegex(@"^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
    private static partial Regex DomainPattern();
}
