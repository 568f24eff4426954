using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Jobs;
using Pool.Api.Data;

namespace Pool.Api.Jobs;

/// <summary>The pool job queue for administrators: list, inspect, and retry a failed job.</summary>
public static class JobEndpoints
{
    public sealed record JobResponse(Guid Id, string Type, string Status, JsonElement Payload, string? DedupeKey, int Attempts, int MaxAttempts,
        DateTimeOffset VisibleUntil, string? LastError, string? Actor, int Total, int Succeeded, int Failed,
        DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").RequirePermission(Permissions.Pool.Jobs).WithTags("Jobs");
        jobs.MapGet("/", ListAsync);
        jobs.MapGet("/{id:guid}", GetAsync);
        jobs.MapPost("/{id:guid}/retry", RetryAsync).RequireDomain("pool");
        return api;
    }

    private static async Task<Results<Ok<PagedResult<JobResponse>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, string? type, string? status, PoolDbContext db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var query = db.Jobs.AsNoTracking();
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
        return TypedResults.Ok(new PagedResult<JobResponse>(items.ConvertAll(ToResponse), total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> GetAsync(Guid id, PoolDbContext db, CancellationToken cancellationToken) =>
        await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken) is { } job
            ? TypedResults.Ok(ToResponse(job))
            : Problems.NotFound($"Job {id} does not exist.");

    /// <summary>Failed jobs only: back to pending with attempts 0. Anything else is 409 naming the live job.</summary>
    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> RetryAsync(
        Guid id, HttpContext http, JobQueue<PoolDbContext> queue, TimeProvider time, CancellationToken cancellationToken)
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
        queue.Db.Audit(http, "retry_job", "pool_job", id.ToString(), null, new { job.Type, job.DedupeKey }, time.GetUtcNow());
        await queue.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToResponse(job));
    }

    public static JobResponse ToResponse(Job j) => new(j.Id, j.Type, JobModel.Name(j.Status), JsonDocument.Parse(j.Payload).RootElement.Clone(),
        j.DedupeKey, j.Attempts, j.MaxAttempts, j.VisibleUntil, j.LastError, j.Actor, j.Total, j.Succeeded, j.Failed,
        j.CreatedAt, j.StartedAt, j.FinishedAt);
}
