using Platform.Contracts.Users;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Messaging;
using Users.Api.Data;

namespace Users.Api.Profiles;

/// <summary>Disabling or enabling one user, the same whether one admin request or a bulk job does it.</summary>
public static class UserStatusChanges
{
    /// <summary>
    /// Sets <paramref name="profile"/>'s status, raises its status version, and adds its audit row and
    /// <c>UserDisabled</c>/<c>UserEnabled</c> (carrying the version) to the outbox, all saved by the caller's
    /// SaveChanges. The caller holds the profile's row lock (FOR UPDATE), so versions never repeat. A user who
    /// already has that status is left alone: false, and nothing is written or published.
    /// </summary>
    public static bool ChangeStatus(this UsersDbContext db, UserProfile profile, ProfileStatus status, string actor, string? actorIp, DateTimeOffset now)
    {
        if (profile.Status == status)
        {
            return false;
        }
        var before = ProfileResponse.From(profile);
        profile.Status = status;
        profile.StatusVersion++;
        profile.UpdatedAt = now;
        db.Audit(actor, actorIp, status == ProfileStatus.Disabled ? "disable_user" : "enable_user", "user", profile.Id.ToString(),
            before, ProfileResponse.From(profile), now);
        if (status == ProfileStatus.Disabled) db.AddEvent(new UserDisabled(profile.Id, now, profile.StatusVersion));
        else db.AddEvent(new UserEnabled(profile.Id, now, profile.StatusVersion));
        return true;
    }
}
