using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;

namespace Platform.ServiceDefaults.Jobs;

/// <summary>
/// A service's job queue for administrators: <c>GET /jobs</c> (paged, newest first, by type and status),
/// <c>GET /jobs/{id}</c> and <c>POST /jobs/{id}/retry</c> for failed jobs. The list leaves payloads out (a bulk
/// job's holds thousands of ids); reading one job shows its payload.
/// </summary>
public static class JobAdminEndpoints
{
    public sealed record JobResponse(Guid Id, string Type, string Status, JsonElement? Payload, string? DedupeKey, int Attempts, int MaxAttempts,
        DateTimeOffset VisibleUntil, string? LastError, string? Actor, int Total, int Succeeded, int Failed,
        DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
    {
        public static JobResponse From(Job j, bool withPayload = true) => new(j.Id, j.Type, JobModel.Name(j.Status),
            withPayload ? JsonDocument.Parse(j.Payload).RootElement.Clone() : null,
            j.DedupeKey, j.Attempts, j.MaxAttempts, j.VisibleUntil, j.LastError, j.Actor, j.Total, j.Succeeded, j.Failed,
            j.CreatedAt, j.StartedAt, j.FinishedAt);
    }

    /// <param name="domain">The <c>X-Domain</c> a retry must name.</param>
    /// <param name="auditEntity">What a retry's audit row calls a job (<c>user_job</c>).</param>
    /// <param name="resource">The grant that opens these endpoints to a non-administrator (<c>users.jobs</c>).</param>
    public static RouteGroupBuilder MapJobAdmin<TContext>(this RouteGroupBuilder api, string domain, string auditEntity, string resource) where TContext : PlatformDbContext
    {
        var jobs = api.MapGroup("/jobs").RequirePermission(resource).WithTags("Jobs");
        // Handlers take JobQueue<TContext> rather than TContext: a bare type parameter crashes the ASP.NET route
        // handler analyzer (dotnet/aspnetcore#56831, fixed in .NET 11).
        jobs.MapGet("/", ([AsParameters] PageRequest page, string? type, string? status, JobQueue<TContext> queue, CancellationToken ct) =>
            ListAsync(page, type, status, queue.Db, ct));
        jobs.MapGet("/{id:guid}", (Guid id, JobQueue<TContext> queue, CancellationToken ct) => GetAsync(id, queue.Db, ct));
        jobs.MapPost("/{id:guid}/retry", (Guid id, HttpContext http, JobQueue<TContext> queue, TimeProvider time, CancellationToken ct) =>
            RetryAsync(id, auditEntity, http, queue, time, ct)).RequireDomain(domain);
        return api;
    }

    private static async Task<Results<Ok<PagedResult<JobResponse>>, ValidationProblem>> ListAsync<TContext>(
        [AsParameters] PageRequest page, string? type, string? status, TContext db, CancellationToken cancellationToken) where TContext : DbContext
    {
        var query = db.Set<Job>().AsNoTracking();
        if (!string.IsNullOrEmpty(type))
        {
            query = query.Where(j => j.Type == type);
        }
        if (status is not null)
        {
            if (!JobModel.TryParse(status, out var s))
            {
                return Invalid.Field("status", "status must be pending, running, succeeded or failed.");
            }
            query = query.Where(j => j.Status == s);
        }
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<JobResponse>(items.ConvertAll(j => JobResponse.From(j, withPayload: false)), total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> GetAsync<TContext>(Guid id, TContext db, CancellationToken cancellationToken)
        where TContext : DbContext =>
        await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken) is { } job
            ? TypedResults.Ok(JobResponse.From(job))
            : Problems.NotFound($"Job {id} does not exist.");

    /// <summary>Failed jobs only: back to pending with attempts 0. Anything else is 409 naming the live job.</summary>
    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> RetryAsync<TContext>(
        Guid id, string auditEntity, HttpContext http, JobQueue<TContext> queue, TimeProvider time, CancellationToken cancellationToken)
        where TContext : PlatformDbContext
    {
        var (job, refusal) = await queue.RetryAsync(id, cancellationToken);
        if (job is null)
        {
            return Problems.NotFound($"Job {id} does not exist.");
        }
        if (refusal is not null)
        {
            var status = JobModel.Name(refusal.LiveStatus);
            var problem = refusal.LiveJobId == id
                ? Problems.Conflict("job_not_failed", $"Job {id} is {status}: only failed jobs can be retried.")
                : Problems.Conflict("job_live", $"Job {refusal.LiveJobId} ({status}) already does this work.");
            problem.ProblemDetails.Extensions["jobId"] = refusal.LiveJobId;
            problem.ProblemDetails.Extensions["jobStatus"] = status;
            return problem;
        }
        queue.Db.Audit(http, "retry_job", auditEntity, id.ToString(), null, new { job.Type, job.DedupeKey }, time.GetUtcNow());
        await queue.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(JobResponse.From(job));
    }
}
