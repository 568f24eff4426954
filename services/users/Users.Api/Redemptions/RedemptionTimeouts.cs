using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Hosting;
using Users.Api.Data;

namespace Users.Api.Redemptions;

/// <summary>The <c>Redemptions</c> section.</summary>
public sealed class RedemptionOptions
{
    /// <summary>How long a reservation waits for pool's answer before users asks pool to cancel it.</summary>
    public TimeSpan AnswerTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often overdue reservations are looked for.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Reservations pool has not answered in Time get <c>CancelSeatAllocation</c>. The code goes back to unused only
/// when pool confirms (<c>SeatAllocationCancelled</c>), after removing any seat it made late, so one code never
/// yields two seats. Instances share the work with <c>FOR UPDATE SKIP LOCKED</c>, which also passes over a
/// redemption whose answer is being applied right now (its consumer holds the row): the answer wins.
/// </summary>
public sealed class RedemptionTimeouts(IServiceScopeFactory scopes, IOptions<RedemptionOptions> options, TimeProvider time, ILogger<RedemptionTimeouts> logger)
    : PeriodicBackgroundService(time)
{
    protected override TimeSpan Period => options.Value.CheckInterval;

    protected override Task RunRoundAsync(CancellationToken cancellationToken) => CancelOverdueAsync(cancellationToken);

    protected override void OnRoundFailed(Exception exception, TimeSpan retryIn) =>
        logger.LogWarning(exception, "Looking for unanswered redemptions failed; trying again");

    public async Task<int> CancelOverdueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
        return await db.InTransactionAsync(async ct =>
        {
            var now = Time.GetUtcNow();
            var overdue = await RedemptionRows.LockOverdueAsync(db, now - options.Value.AnswerTimeout, 100, ct);
            foreach (var redemption in overdue)
            {
                RedemptionTransitions.RequestCancel(db, redemption, now);
            }
            await db.SaveChangesAsync(ct);
            if (overdue.Count > 0)
            {
                logger.LogInformation("Asked pool to cancel {Count} unanswered redemptions", overdue.Count);
            }
            return overdue.Count;
        }, cancellationToken);
    }
}
