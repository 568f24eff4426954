using Microsoft.EntityFrameworkCore;

namespace Identity.Api.Data;

public static class AdvisoryLocks
{
    /// <summary>
    /// Takes a PostgreSQL transaction-scoped advisory lock on <paramref name="key"/>: held until commit or rollback,
    /// so check-then-insert limits stay exact across concurrent requests and instances.
    /// </summary>
    public static Task LockAsync(this DbContext db, string key, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", cancellationToken);
}
