using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Users.Api.Data;

namespace Users.Api.Profiles;

/// <summary>Administrators: list and look up users, disable and enable them (identity then refuses or accepts them).</summary>
public static class UserAdminEndpoints
{
    public static RouteGroupBuilder MapUserAdmin(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").RequirePermission(Permissions.Users.Profiles).WithTags("User administration");
        admin.MapGet("/", ListAsync);
        admin.MapGet("/{id:guid}", GetAsync);
        admin.MapPost("/{id:guid}/disable", (Guid id, HttpContext http, UsersDbContext db, TimeProvider time, CancellationToken ct) => SetStatusAsync(id, ProfileStatus.Disabled, http, db, time, ct)).RequireDomain("users");
        admin.MapPost("/{id:guid}/enable", (Guid id, HttpContext http, UsersDbContext db, TimeProvider time, CancellationToken ct) => SetStatusAsync(id, ProfileStatus.Active, http, db, time, ct)).RequireDomain("users");
        return api;
    }

    /// <summary>
    /// <c>status</c> is read as the API writes it (<c>active</c>, <c>disabled</c>): the framework's enum binding is
    /// case-sensitive and would only take <c>Active</c>.
    /// </summary>
    private static async Task<Results<Ok<PagedResult<ProfileResponse>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, string? q, string? status, UsersDbContext db, CancellationToken cancellationToken)
    {
        ProfileStatus? wanted = null;
        if (status is not null)
        {
            if (!ProfileFilter.TryParseStatus(status, out var parsed))
            {
                return Invalid.Field("status", $"status '{status}' is unknown: it must be active or disabled.");
            }
            wanted = parsed;
        }
        var profiles = db.Profiles.AsNoTracking().Matching(wanted, q);
        var total = await profiles.LongCountAsync(cancellationToken);
        var items = await profiles.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<ProfileResponse>(items.ConvertAll(ProfileResponse.From), total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> GetAsync(Guid id, UsersDbContext db, CancellationToken cancellationToken) =>
        await db.Profiles.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken) is { } profile
            ? TypedResults.Ok(ProfileResponse.From(profile))
            : Problems.NotFound($"User {id} does not exist.");

    private static Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> SetStatusAsync(
        Guid id, ProfileStatus status, HttpContext http, UsersDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        db.InTransactionAsync<Results<Ok<ProfileResponse>, ProblemHttpResult>>(async ct =>
        {
            // Locked, as the bulk jobs lock theirs: concurrent changes of one user take turns, each with its own version.
            if (await db.Profiles.FromSql($"SELECT * FROM user_profiles WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) is not { } profile)
            {
                return Problems.NotFound($"User {id} does not exist.");
            }
            if (db.ChangeStatus(profile, status, AuditExtensions.ActorOf(http.User), http.ClientIp(), time.GetUtcNow()))
            {
                await db.SaveChangesAsync(ct);
            }
            return TypedResults.Ok(ProfileResponse.From(profile));
        }, cancellationToken);
}
