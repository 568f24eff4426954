using Microsoft.EntityFrameworkCore;
using Pool.Api.Data;
using Pool.Api.Upstream;

namespace Pool.Api.Mothers;

public static class MotherTeams
{
    /// <summary>Records the teams the upstream listed: new ones enabled (the first becomes the default), names refreshed.</summary>
    public static async Task UpsertAsync(PoolDbContext db, Guid motherId, IReadOnlyList<UpstreamTeam> teams, CancellationToken cancellationToken)
    {
        var hasDefault = await db.MotherTeams.AnyAsync(t => t.MotherId == motherId && t.IsDefault, cancellationToken);
        foreach (var team in teams)
        {
            var isDefault = !hasDefault;
            hasDefault = true;
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO mother_teams (mother_id, team_id, name, enabled, is_default) VALUES ({motherId}, {team.Id}, {team.Name}, true, {isDefault})
                ON CONFLICT (mother_id, team_id) DO UPDATE SET name = excluded.name
                """, cancellationToken);
        }
    }
}
