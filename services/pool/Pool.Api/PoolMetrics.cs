using System.Diagnostics.Metrics;

namespace Pool.Api;

/// <summary><c>pool_sync_actions_total{action,result}</c>: what syncs did upstream and in the database.</summary>
public sealed class PoolMetrics
{
    public const string MeterName = "Platform.Pool";

    private readonly Counter<long> _syncActions;

    public PoolMetrics(IMeterFactory meters)
    {
        _syncActions = meters.Create(MeterName).CreateCounter<long>("pool_sync_actions", description: "Sync actions by kind and result.");
    }

    /// <param name="action">list_teams, rename_team, list_members, create_child.</param>
    /// <param name="result">ok, skipped or error.</param>
    public void SyncAction(string action, string result, long count = 1) =>
        _syncActions.Add(count, new("action", action), new("result", result));
}
