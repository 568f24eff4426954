using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Users;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Messaging;
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

    private static async Task<Results<Ok<PagedResult<ProfileResponse>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, string? q, ProfileStatus? status, UsersDbContext db, CancellationToken cancellationToken)
    {
        if (page.Validate() is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var profiles = db.Profiles.AsNoTracking();
        if (status is { } wanted)
        {
            profiles = profiles.Where(p => p.Status == wanted);
        }
        if (q?.Trim() is { Length: > 0 } text)
        {
            var pattern = "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            profiles = profiles.Where(p => EF.Functions.ILike(p.Email ?? "", pattern) || EF.Functions.ILike(p.Phone ?? "", pattern) || EF.Functions.ILike(p.DisplayName ?? "", pattern));
        }
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
            if (await db.Profiles.FirstOrDefaultAsync(p => p.Id == id, ct) is not { } profile)
            {
                return Problems.NotFound($"User {id} does not exist.");
            }
            if (profile.Status != status)
            {
                var now = time.GetUtcNow();
                var before = ProfileResponse.From(profile);
                profile.Status = status;
                profile.UpdatedAt = now;
                db.Audit(http, status == ProfileStatus.Disabled ? "disable_user" : "enable_user", "user", id.ToString(), before, ProfileResponse.From(profile), now);
                if (status == ProfileStatus.Disabled) db.AddEvent(new UserDisabled(id, now));
                else db.AddEvent(new UserEnabled(id, now));
                await db.SaveChangesAsync(ct);
            }
            return TypedResults.Ok(ProfileResponse.From(profile));
        }, cancellationToken);
}
