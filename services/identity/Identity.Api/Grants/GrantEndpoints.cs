using System.Security.Claims;
using Identity.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Identity;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Messaging;

namespace Identity.Api.Grants;

/// <summary>
/// Administrators grant other users read or write access to single resources (docs/identity.md, "Roles and grants").
/// Only administrators manage grants: a grant holder could otherwise grant themselves everything.
/// </summary>
public static class GrantEndpoints
{
    public sealed record ResourceResponse(string Resource, string Service);

    public sealed record GrantRequest(string? Access);

    public sealed record GrantResponse(string Resource, string Access, DateTimeOffset GrantedAt, string GrantedBy);

    public sealed record UserGrantsResponse(Guid UserId, IReadOnlyList<string> Roles, IReadOnlyList<GrantResponse> Grants);

    public static RouteGroupBuilder MapGrants(this RouteGroupBuilder admin)
    {
        admin.MapGet("/permissions", () => TypedResults.Ok(Permissions.Resources.Select(r => new ResourceResponse(r, Permissions.ServiceOf(r)))));
        admin.MapGet("/users/{id:guid}/permissions", ListAsync);
        admin.MapPut("/users/{id:guid}/permissions/{resource}", GrantAsync);
        admin.MapDelete("/users/{id:guid}/permissions/{resource}", RevokeAsync);
        return admin;
    }

    private static async Task<Results<Ok<UserGrantsResponse>, ProblemHttpResult>> ListAsync(Guid id, IdentityDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken) is not { } user)
        {
            return Problems.NotFound($"User {id} does not exist.");
        }
        var grants = await db.PermissionGrants.AsNoTracking().Where(g => g.UserId == id).OrderBy(g => g.Resource).ToListAsync(cancellationToken);
        return TypedResults.Ok(new UserGrantsResponse(id, user.Roles, grants.ConvertAll(ToResponse)));
    }

    private static async Task<Results<Ok<GrantResponse>, ProblemHttpResult>> GrantAsync(
        Guid id, string resource, GrantRequest request, ClaimsPrincipal principal, HttpContext http, IdentityDbContext db, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!Permissions.Resources.Contains(resource))
        {
            return Problems.BadRequest("unknown_resource", $"{resource} is not a resource; GET /api/identity/admin/permissions lists them.");
        }
        if (request.Access is not (Permissions.Read or Permissions.Write))
        {
            return Problems.BadRequest("invalid_access", "access must be \"read\" or \"write\".");
        }
        return await db.InTransactionAsync<Results<Ok<GrantResponse>, ProblemHttpResult>>(async ct =>
        {
            if (!await BumpVersionAsync(db, id, ct))
            {
                return Problems.NotFound($"User {id} does not exist.");
            }
            var now = time.GetUtcNow();
            var grant = await db.PermissionGrants.FirstOrDefaultAsync(g => g.UserId == id && g.Resource == resource, ct);
            if (grant?.Access == request.Access)
            {
                return TypedResults.Ok(ToResponse(grant));
            }
            var before = grant is null ? null : ToResponse(grant);
            if (grant is null)
            {
                grant = new PermissionGrant { UserId = id, Resource = resource, Access = request.Access, GrantedBy = principal.RequiredUserId().ToString() };
                db.PermissionGrants.Add(grant);
            }
            grant.Access = request.Access;
            grant.GrantedAt = now;
            grant.GrantedBy = principal.RequiredUserId().ToString();
            db.Audit(http, "grant_permission", "user", id.ToString(), before, ToResponse(grant), now);
            await ChangedAsync(db, id, now, ct);
            return TypedResults.Ok(ToResponse(grant));
        }, cancellationToken);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, string resource, HttpContext http, IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        await db.InTransactionAsync<Results<NoContent, ProblemHttpResult>>(async ct =>
        {
            if (!await BumpVersionAsync(db, id, ct)
                || await db.PermissionGrants.FirstOrDefaultAsync(g => g.UserId == id && g.Resource == resource, ct) is not { } grant)
            {
                return Problems.NotFound($"User {id} holds no grant on {resource}.");
            }
            var now = time.GetUtcNow();
            db.PermissionGrants.Remove(grant);
            db.Audit(http, "revoke_permission", "user", id.ToString(), ToResponse(grant), null, now);
            await ChangedAsync(db, id, now, ct);
            return TypedResults.NoContent();
        }, cancellationToken);

    /// <summary>
    /// Moves the user to a new permissions version, so every identity instance's cached grants are passed by. The
    /// update also locks the user's row: concurrent changes to one user's grants take turns. False: no such user.
    /// </summary>
    private static async Task<bool> BumpVersionAsync(IdentityDbContext db, Guid id, CancellationToken ct) =>
        await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PermissionsVersion, u => u.PermissionsVersion + 1), ct) == 1;

    /// <summary>Saves the change and tells the gateways, which drop what they cached of the user.</summary>
    private static async Task ChangedAsync(IdentityDbContext db, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        var granted = await db.PermissionGrants.Where(g => g.UserId == id).OrderBy(g => g.Resource).Select(g => g.Resource + ":" + g.Access).ToListAsync(ct);
        db.AddEvent(new UserPermissionsChanged(id, granted, now));
        await db.SaveChangesAsync(ct);
    }

    private static GrantResponse ToResponse(PermissionGrant grant) => new(grant.Resource, grant.Access, grant.GrantedAt, grant.GrantedBy);
}
