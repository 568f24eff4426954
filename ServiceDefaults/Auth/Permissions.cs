using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults.Auth;

/// <summary>
/// Per-resource grants (docs/identity.md, "Roles and grants"). Administrators may do everything; anyone else needs a
/// grant on the resource: <c>read</c> for safe methods, <c>write</c> (which includes read) for the rest. Identity
/// stores the grants; the gateway puts a service's own ones in the internal JWT as <c>perm</c> claims
/// (<c>pool.mothers:write</c>).
/// </summary>
public static class Permissions
{
    public const string Read = "read";
    public const string Write = "write";

    public static class Identity
    {
        public const string Users = "identity.users";
        public const string Bans = "identity.bans";
        public const string Messages = "identity.messages";
    }

    public static class Users
    {
        public const string Profiles = "users.profiles";
        public const string RedeemCodes = "users.redeem-codes";
        public const string Jobs = "users.jobs";
        public const string Messages = "users.messages";
    }

    public static class Pool
    {
        public const string Mothers = "pool.mothers";
        public const string Groups = "pool.groups";
        public const string Jobs = "pool.jobs";
        public const string Relay = "pool.relay";
        /// <summary>Who may use the relay: people's relay plans.</summary>
        public const string RelayPlans = "pool.relay-plans";
        public const string Messages = "pool.messages";
    }

    public static class Promo
    {
        public const string Catalog = "promo.catalog";
        public const string Orders = "promo.orders";
        public const string Campaigns = "promo.campaigns";
        public const string Coupons = "promo.coupons";
        public const string Payouts = "promo.payouts";
        public const string Messages = "promo.messages";
    }

    /// <summary>Every resource a grant can name.</summary>
    public static readonly IReadOnlyList<string> Resources =
    [
        Identity.Users, Identity.Bans, Identity.Messages,
        Users.Profiles, Users.RedeemCodes, Users.Jobs, Users.Messages,
        Pool.Mothers, Pool.Groups, Pool.Jobs, Pool.Relay, Pool.RelayPlans, Pool.Messages,
        Promo.Catalog, Promo.Orders, Promo.Campaigns, Promo.Coupons, Promo.Payouts, Promo.Messages,
    ];

    /// <summary>The service a resource belongs to: the part before the dot, which is also the JWT audience.</summary>
    public static string ServiceOf(string resource) => resource[..resource.IndexOf('.')];

    /// <summary>The <c>perm</c> claim value of a grant.</summary>
    public static string Claim(string resource, string access) => $"{resource}:{access}";

    /// <summary>Whether the caller may <paramref name="access"/> the resource: an administrator, or a matching grant.</summary>
    public static bool Can(this ClaimsPrincipal user, string resource, string access) =>
        user.IsInRole(UserRoles.Admin)
        || user.HasClaim(InternalClaims.Permissions, Claim(resource, Write))
        || (access == Read && user.HasClaim(InternalClaims.Permissions, Claim(resource, Read)));

    /// <summary>
    /// Only administrators and holders of a grant on <paramref name="resource"/> reach these endpoints; which grant
    /// is needed follows each request's method.
    /// </summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string resource) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AuthorizationPolicyBuilder()
            .RequireClaim(InternalClaims.Subject)
            .AddRequirements(new PermissionRequirement(resource))
            .Build());
}

/// <summary>Well-known roles.</summary>
public static class UserRoles
{
    public const string User = "user";
    public const string Admin = "admin";
}

/// <summary>A grant on <see cref="Resource"/> matching the request's method.</summary>
public sealed record PermissionRequirement(string Resource) : IAuthorizationRequirement;

internal sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var safe = context.Resource is HttpContext http && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));
        if (context.User.Can(requirement.Resource, safe ? Permissions.Read : Permissions.Write))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
