using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Platform.ServiceDefaults.Data;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>
/// Wakes the outbox dispatcher as soon as outbox rows are committed, so events go out right after the change
/// rather than at the next poll (which remains the backstop).
/// </summary>
public sealed class OutboxSignal : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly ConditionalWeakTable<DbTransaction, object> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Track(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Track(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>Completes at the next signal (at once if one came since the last wait).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the dispatcher will look once for everything.
        }
    }

    private void Track(DbContext? context)
    {
        if (context is null || !context.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added))
        {
            return;
        }
        if (context.Database.CurrentTransaction?.GetDbTransaction() is { } transaction)
        {
            _pending.AddOrUpdate(transaction, this);
        }
        else
        {
            // SaveChanges commits its own transaction; by the time the dispatcher queries, it has committed or failed.
            Notify();
        }
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (_pending.Remove(transaction))
        {
            Notify();
        }
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }
}
