using Microsoft.EntityFrameworkCore;

namespace Platform.ServiceDefaults.Data;

public static class UnitOfWorkExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction inside EF Core's retrying execution strategy (which forbids
    /// bare user transactions). On a transient failure the whole body runs again from a clean change tracker, so
    /// it must be safe to repeat: read, decide, write, and save within it.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this DbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(
            (db, work),
            async (_, state, ct) =>
            {
                state.db.ChangeTracker.Clear();
                await using var transaction = await state.db.Database.BeginTransactionAsync(ct);
                var result = await state.work(ct);
                await transaction.CommitAsync(ct);
                return result;
            },
            verifySucceeded: null,
            cancellationToken);

    public static Task InTransactionAsync(this DbContext db, Func<CancellationToken, Task> work, CancellationToken cancellationToken = default) =>
        db.InTransactionAsync(async ct =>
        {
            await work(ct);
            return true;
        }, cancellationToken);
}
