using Microsoft.EntityFrameworkCore;
using Pool.Api.Data;

namespace Pool.Api.Mothers;

public static class ChildAccounts
{
    /// <summary>Records the member an invite created on a mother's team (active again if it was recorded before).</summary>
    public static Task RecordInvitedAsync(PoolDbContext db, Guid motherId, string teamId, string email, string memberId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO child_accounts (mother_id, team_id, email, status, member_id, created_at)
            VALUES ({motherId}, {teamId}, {email}, 'active', {memberId}, {now})
            ON CONFLICT (mother_id, team_id, email) DO UPDATE SET status = 'active', member_id = excluded.member_id
            """, cancellationToken);
}
