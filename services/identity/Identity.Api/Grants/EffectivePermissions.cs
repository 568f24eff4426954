using Identity.Api.Accounts;
using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;

namespace Identity.Api.Grants;

/// <summary>
/// A user's grants as <c>perm</c> claim values, cached (SPEC.md: 300 s). The key carries the user's
/// <see cref="User.PermissionsVersion"/>, which every change bumps in the same transaction: the next
/// introspection on any instance reads the row anyway, so a change is seen at once without telling the caches.
/// </summary>
public sealed class EffectivePermissions(IdentityDbContext db, HybridCache cache, IOptions<IdentityLimits> limits)
{
    public async Task<IReadOnlyList<string>> OfAsync(User user, CancellationToken cancellationToken)
    {
        var lifetime = limits.Value.PermissionCache;
        return await cache.GetOrCreateAsync(
            $"perm:{user.Id:N}:{user.PermissionsVersion}",
            (db, user.Id),
            static async (state, ct) => await state.db.PermissionGrants.AsNoTracking()
                .Where(g => g.UserId == state.Id)
                .OrderBy(g => g.Resource)
                .Select(g => g.Resource + ":" + g.Access)
                .ToArrayAsync(ct),
            new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime },
            cancellationToken: cancellationToken);
    }

    /// <summary>Whether a grant names a known resource and access.</summary>
    public static bool IsValid(string resource, string access) =>
        Permissions.Resources.Contains(resource) && access is Permissions.Read or Permissions.Write;
}
