using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Jobs;
using Users.Api.Data;
using Users.Api.Profiles;

namespace Users.Api.BulkStatus;

/// <summary>
/// Administrators disable or enable many users at once: a job in <c>user_jobs</c> whose progress shows under
/// <c>/api/users/jobs</c>. The users are a list of ids or what the admin list's filter matches now; either way the
/// job holds the ids, so a rerun works on the same users.
/// </summary>
public static class BulkStatusEndpoints
{
    /// <summary>Either <see cref="UserIds"/> or <see cref="Filter"/>.</summary>
    public sealed record BulkStatusRequest(IReadOnlyList<Guid>? UserIds, BulkFilter? Filter);

    /// <summary>As the admin list filters: <c>status</c> (active, disabled) and text search <c>q</c>; at least one.</summary>
    public sealed record BulkFilter(string? Status, string? Q);

    /// <summary><see cref="Created"/> is false when an identical job was still live and is the one returned.</summary>
    public sealed record BulkStatusAccepted(Guid JobId, bool Created, int Users);

    public static RouteGroupBuilder MapBulkStatus(this RouteGroupBuilder api)
    {
        var bulk = api.MapGroup("/bulk").RequirePermission(Permissions.Users.Profiles).WithTags("User administration");
        bulk.MapPost("/disable", (BulkStatusRequest request, [AsParameters] BulkServices services, CancellationToken ct) =>
            StartAsync(ProfileStatus.Disabled, request, services, ct)).RequireDomain("users");
        bulk.MapPost("/enable", (BulkStatusRequest request, [AsParameters] BulkServices services, CancellationToken ct) =>
            StartAsync(ProfileStatus.Active, request, services, ct)).RequireDomain("users");
        return api;
    }

    public sealed record BulkServices(HttpContext Http, UsersDbContext Db, JobQueue<UsersDbContext> Jobs, IOptions<BulkStatusOptions> Options, TimeProvider Time);

    /// <summary>
    /// 202 with the job and its Location. The dedupe key is the job type and the set of users, so a repeated request
    /// (a double click) while the first job is live gets that job back instead of a second one.
    /// </summary>
    private static async Task<Results<Accepted<BulkStatusAccepted>, ProblemHttpResult>> StartAsync(
        ProfileStatus status, BulkStatusRequest request, BulkServices services, CancellationToken cancellationToken)
    {
        var max = services.Options.Value.MaxUsers;
        if ((request.UserIds is null) == (request.Filter is null))
        {
            return Problems.BadRequest("invalid_request", "Give either userIds (a list of user ids) or filter ({status, q}), not both.");
        }
        List<Guid> ids;
        if (request.UserIds is { } list)
        {
            ids = list.Distinct().ToList();
            if (ids.Count is 0 || list.Count > max)
            {
                return Problems.BadRequest("invalid_user_ids", $"userIds must hold 1 to {max} user ids.");
            }
        }
        else
        {
            var filter = request.Filter!;
            ProfileStatus? wanted = null;
            if (filter.Status is not null)
            {
                if (!ProfileFilter.TryParseStatus(filter.Status, out var parsed))
                {
                    return Problems.BadRequest("invalid_status", $"filter.status '{filter.Status}' is unknown: it must be active or disabled.");
                }
                wanted = parsed;
            }
            if (wanted is null && string.IsNullOrWhiteSpace(filter.Q))
            {
                return Problems.BadRequest("invalid_filter", "filter needs a status, a search text q, or both.");
            }
            ids = await services.Db.Profiles.AsNoTracking().Matching(wanted, filter.Q)
                .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).Select(p => p.Id).Take(max + 1).ToListAsync(cancellationToken);
            if (ids.Count is 0)
            {
                return Problems.BadRequest("no_users_match", "filter matches no users.");
            }
            if (ids.Count > max)
            {
                return Problems.BadRequest("too_many_users", $"filter matches more than {max} users; narrow it.");
            }
        }

        var http = services.Http;
        var type = BulkStatusHandler.TypeFor(status);
        var payload = new BulkStatusHandler.Payload(ids, AuditExtensions.ActorOf(http.User), http.ClientIp());
        var actor = http.User.FindFirst(InternalClaims.Subject)?.Value;
        var (job, created) = await services.Jobs.EnqueueAsync(new JobRequest(type, payload, DedupeKey(type, ids), actor), cancellationToken: cancellationToken);
        if (created)
        {
            services.Db.Audit(http, status == ProfileStatus.Disabled ? "bulk_disable_users" : "bulk_enable_users", "user_job", job.Id.ToString(),
                null, new { users = ids.Count, request.Filter }, services.Time.GetUtcNow());
            await services.Db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.Accepted($"/api/users/jobs/{job.Id}", new BulkStatusAccepted(job.Id, created, ids.Count));
    }

    /// <summary>The job type and a hash of the sorted ids: the same users in any order are the same work.</summary>
    private static string DedupeKey(string type, List<Guid> ids)
    {
        var sorted = string.Join(',', ids.Select(id => id.ToString("N")).Order(StringComparer.Ordinal));
        return $"{type}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sorted)))}";
    }
}
