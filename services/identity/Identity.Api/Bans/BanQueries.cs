using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Identity.Api.Bans;

public static class BanQueries
{
    /// <summary>The latest end of any live ban on this value, or null when it is not banned.</summary>
    public static Task<DateTimeOffset?> BannedUntilAsync(this IdentityDbContext db, BanKind kind, string value, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Bans.Where(b => b.Kind == kind && b.Value == value && b.LiftedAt == null && b.Until > now)
               .MaxAsync(b => (DateTimeOffset?)b.Until, cancellationToken);
}
