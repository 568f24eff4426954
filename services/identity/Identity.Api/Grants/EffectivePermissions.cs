using System.Diagnostics;
using System.Text.Json;
using Identity.Api.Accounts;
using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Caching;

namespace Identity.Api.Grants;

/// <summary>
/// A user's grants as <c>perm</c> claim values, cached (<c>Identity:Limits:PermissionCacheSeconds</c>) in memory (HybridCache) and in the shared cache
/// (Redis when present). The key carries the user's <see cref="User.PermissionsVersion"/>, which every change bumps in
/// the same transaction: the next introspection on any instance reads the row anyway, so a change is seen at once
/// without telling the caches.
/// </summary>
public sealed class EffectivePermissions(IdentityDbContext db, HybridCache memory, ICacheProvider shared, IOptions<IdentityLimits> limits)
{
    public async Task<IReadOnlyList<string>> OfAsync(User user, CancellationToken cancellationToken)
    {
        var lifetime = limits.Value.PermissionCache;
        var key = $"perm:{user.Id:N}:{user.PermissionsVersion}";
        return await memory.GetOrCreateAsync(
            key,
            (Permissions: this, UserId: user.Id, Key: key, Lifetime: lifetime, Caller: Activity.Current),
            static async (state, ct) =>
            {
                // HybridCache runs this without the caller's context (dotnet/extensions#6543): restore it, so that the
                // reads below are spans of the introspection that needed them.
                Activity.Current = state.Caller;
                return await state.Permissions.LoadAsync(state.UserId, state.Key, state.Lifetime, ct);
            },
            // The shared level is ours (below), where the caller's trace can follow.
            new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime, Flags = HybridCacheEntryFlags.DisableDistributedCache },
            cancellationToken: cancellationToken);
    }

    private async Task<string[]> LoadAsync(Guid userId, string key, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (await shared.GetAsync(key) is { } cached)
        {
            return JsonSerializer.Deserialize<string[]>(cached) ?? [];
        }
        var granted = await db.PermissionGrants.AsNoTracking()
            .Where(g => g.UserId == userId)
            .OrderBy(g => g.Resource)
            .Select(g => g.Resource + ":" + g.Access)
            .ToArrayAsync(cancellationToken);
        await shared.SetExAsync(key, lifetime, JsonSerializer.Serialize(granted));
        return granted;
    }

    /// <summary>Whether a grant names a known resource and access.</summary>
    public static bool IsValid(string resource, string access) =>
        Permissions.Resources.Contains(resource) && access is Permissions.Read or Permissions.Write;
}
