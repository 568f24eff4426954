using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Identity;
using Platform.ServiceDefaults.Messaging;

namespace Identity.Api.Bans;

public static class BanQueries
{
    /// <summary>The latest end of any live ban on this value, or null when it is not banned.</summary>
    public static Task<DateTimeOffset?> BannedUntilAsync(this IdentityDbContext db, BanKind kind, string value, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Bans.Where(b => b.Kind == kind && b.Value == value && b.LiftedAt == null && b.Until > now)
               .MaxAsync(b => (DateTimeOffset?)b.Until, cancellationToken);

    /// <summary>Adds a ban and its <see cref="UserBanned"/> event (sent with the same save), and returns the ban.</summary>
    public static Ban AddBan(this IdentityDbContext db, BanKind kind, string value, DateTimeOffset now, DateTimeOffset until, string reason, string createdBy)
    {
        var ban = new Ban { Kind = kind, Value = value, CreatedAt = now, Until = until, Reason = reason, CreatedBy = createdBy };
        db.Bans.Add(ban);
        db.AddEvent(new UserBanned(kind == BanKind.Ip ? "ip" : "target", value, until, reason));
        return ban;
    }
}
