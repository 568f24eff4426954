using Microsoft.EntityFrameworkCore;

namespace Users.Api.Profiles;

/// <summary>The admin list's filter (status and text search over email, phone and name), shared by bulk operations.</summary>
public static class ProfileFilter
{
    public static IQueryable<UserProfile> Matching(this IQueryable<UserProfile> profiles, ProfileStatus? status, string? q)
    {
        if (status is { } wanted)
        {
            profiles = profiles.Where(p => p.Status == wanted);
        }
        if (q?.Trim() is { Length: > 0 } text)
        {
            var pattern = "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            profiles = profiles.Where(p => EF.Functions.ILike(p.Email ?? "", pattern) || EF.Functions.ILike(p.Phone ?? "", pattern) || EF.Functions.ILike(p.DisplayName ?? "", pattern));
        }
        return profiles;
    }

    /// <summary>A status as the API writes it (<c>active</c>, <c>disabled</c>); anything else is no status.</summary>
    public static bool TryParseStatus(string? value, out ProfileStatus status)
    {
        foreach (var candidate in Enum.GetValues<ProfileStatus>())
        {
            if (string.Equals(candidate.ToString(), value, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }
        status = default;
        return false;
    }
}
