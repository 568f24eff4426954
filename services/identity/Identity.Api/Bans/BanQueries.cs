using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Identity;
using Platform.ServiceDefaults.Messaging;

namespace Identity.Api.Bans;

public static class BanQueries
{
    /// <summary>The latest end of any live ban on this value (and address, for a target lock), or null when it is not banned.</summary>
    public static Task<DateTimeOffset?> BannedUntilAsync(
        this IdentityDbContext db, BanKind kind, string value, DateTimeOffset now, CancellationToken cancellationToken, string? address = null) =>
        db.Bans.Where(b => b.Kind == kind && b.Value == value && b.Address == address && b.LiftedAt == null && b.Until > now)
               .MaxAsync(b => (DateTimeOffset?)b.Until, cancellationToken);

    /// <summary>When the target is locked for this client address: by an administrator for everyone, or for the address alone.</summary>
    public static async Task<DateTimeOffset?> TargetLockedUntilAsync(this IdentityDbContext db, string target, string address, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.BannedUntilAsync(BanKind.Target, target, now, cancellationToken)
        ?? await db.BannedUntilAsync(BanKind.TargetIp, target, now, cancellationToken, address);

    /// <summary>Adds a ban and its <see cref="UserBanned"/> event (sent with the same save), and returns the ban.</summary>
    public static Ban AddBan(this IdentityDbContext db, BanKind kind, string value, DateTimeOffset now, DateTimeOffset until, string reason, string createdBy,
        string? address = null)
    {
        var ban = new Ban { Kind = kind, Value = value, Address = address, CreatedAt = now, Until = until, Reason = reason, CreatedBy = createdBy };
        db.Bans.Add(ban);
        db.AddEvent(new UserBanned(KindName(kind), value, until, reason, address));
        return ban;
    }

    /// <summary>As the API and <see cref="UserBanned"/> name the kinds.</summary>
    public static string KindName(BanKind kind) => kind switch
    {
        BanKind.Ip => "ip",
        BanKind.Target => "target",
        _ => "target_ip",
    };
}
