using System.Security.Claims;
using Identity.Api.Accounts;
using Identity.Api.Bans;
using Identity.Api.Codes;
using Identity.Api.Data;
using Identity.Api.Grants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Identity;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Messaging;

namespace Identity.Api.Admin;

/// <summary>Administrators: users' roles and grants, bans, and the audit log every write adds to.</summary>
public static class AdminEndpoints
{
    public sealed record BanRequest(string? Kind, string? Value, int? DurationSeconds, string? Reason);

    /// <param name="Address">For a <c>target_ip</c> lock: the client address (bucket) locked out of the target.</param>
    public sealed record BanResponse(long Id, string Kind, string Value, string? Address, DateTimeOffset CreatedAt, DateTimeOffset Until, string Reason, string CreatedBy);

    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").WithTags("Administration");
        admin.MapGet("/users", ListUsersAsync).RequirePermission(Permissions.Identity.Users);

        var bans = admin.MapGroup("/bans").RequirePermission(Permissions.Identity.Bans);
        bans.MapGet("", ListBansAsync);
        bans.MapPost("", BanAsync);
        bans.MapDelete("/{id:long}", LiftBanAsync);

        // Roles and grants: administrators only, so no grant can be turned into more grants.
        var administrators = admin.MapGroup("").RequireAuthorization(InternalAuthExtensions.AdminPolicy);
        administrators.MapPut("/users/{id:guid}/roles/admin", (Guid id, HttpContext http, IdentityDbContext db, TimeProvider time, CancellationToken ct) => SetAdminAsync(id, true, http, db, time, ct));
        administrators.MapDelete("/users/{id:guid}/roles/admin", (Guid id, HttpContext http, IdentityDbContext db, TimeProvider time, CancellationToken ct) => SetAdminAsync(id, false, http, db, time, ct));
        administrators.MapGrants();
        administrators.MapAudit();
        return api;
    }

    private static async Task<Results<Ok<PagedResult<UserResponse>>, ValidationProblem>> ListUsersAsync(
        [AsParameters] PageRequest page, string? role, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrEmpty(role))
        {
            users = users.Where(u => u.Roles.Contains(role));
        }
        var total = await users.LongCountAsync(cancellationToken);
        var items = await users.OrderBy(u => u.CreatedAt).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<UserResponse>(items.ConvertAll(UserResponse.From), total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> SetAdminAsync(
        Guid id, bool admin, HttpContext http, IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        await db.InTransactionAsync<Results<Ok<UserResponse>, ProblemHttpResult>>(async ct =>
        {
            if (await db.Users.FindAsync([id], ct) is not { } user)
            {
                return Problems.NotFound($"User {id} does not exist.");
            }
            if (user.Roles.Contains(UserRoles.Admin) != admin)
            {
                var before = user.Roles.ToList();
                user.Roles = admin ? [.. user.Roles, UserRoles.Admin] : user.Roles.Where(r => r != UserRoles.Admin).ToList();
                db.Audit(http, admin ? "grant_admin" : "revoke_admin", "user", id.ToString(), before, user.Roles, time.GetUtcNow());
                db.AddEvent(new UserRolesChanged(user.Id, user.Roles, time.GetUtcNow()));
                await db.SaveChangesAsync(ct);
            }
            return TypedResults.Ok(UserResponse.From(user));
        }, cancellationToken);

    private static async Task<Ok<List<BanResponse>>> ListBansAsync(IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var bans = await db.Bans.AsNoTracking().Where(b => b.LiftedAt == null && b.Until > now).OrderByDescending(b => b.Id).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(bans.ConvertAll(ToResponse));
    }

    private static async Task<Results<Created<BanResponse>, ProblemHttpResult>> BanAsync(
        BanRequest request, ClaimsPrincipal principal, HttpContext http, IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        string? value;
        BanKind kind;
        switch (request.Kind)
        {
            case "ip":
                kind = BanKind.Ip;
                // An IPv6 address is banned with its /64, as the limits count it.
                value = System.Net.IPAddress.TryParse(request.Value?.Trim(), out var ip) ? ClientAddresses.Bucket(ip) : null;
                if (value is null) return Problems.BadRequest("invalid_value", "value must be an IP address.");
                break;
            case "target":
                kind = BanKind.Target;
                var channel = request.Value?.Contains('@') == true ? Channel.Email : Channel.Sms;
                if (!Targets.TryNormalize(channel, request.Value, out value, out var error)) return Problems.BadRequest("invalid_value", error);
                break;
            default:
                return Problems.BadRequest("invalid_kind", "kind must be \"ip\" or \"target\".");
        }
        if (request.DurationSeconds is not (> 0 and <= 31_536_000))
        {
            return Problems.BadRequest("invalid_duration", "durationSeconds must be between 1 and 31536000 (a year).");
        }

        var now = time.GetUtcNow();
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "banned by an administrator" : request.Reason.Trim()[..Math.Min(request.Reason.Trim().Length, 200)];
        var ban = db.AddBan(kind, value, now, now.AddSeconds(request.DurationSeconds.Value), reason, principal.RequiredUserId().ToString());
        db.Audit(http, "ban", "ban", null, null, ToResponse(ban), now);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/identity/admin/bans/{ban.Id}", ToResponse(ban));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LiftBanAsync(
        long id, HttpContext http, IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.Bans.FindAsync([id], cancellationToken) is not { } ban)
        {
            return Problems.NotFound($"Ban {id} does not exist.");
        }
        if (ban.LiftedAt is null)
        {
            ban.LiftedAt = time.GetUtcNow();
            db.Audit(http, "lift_ban", "ban", id.ToString(), ToResponse(ban), null, ban.LiftedAt.Value);
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.NoContent();
    }

    private static BanResponse ToResponse(Ban ban) =>
        new(ban.Id, BanQueries.KindName(ban.Kind), ban.Value, ban.Address, ban.CreatedAt, ban.Until, ban.Reason, ban.CreatedBy);
}
