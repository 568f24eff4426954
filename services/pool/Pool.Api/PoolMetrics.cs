using System.Diagnostics.Metrics;
using Pool.Api.Relay;

namespace Pool.Api;

/// <summary>
/// <c>pool_sync_actions_total{action,result}</c>: what syncs did upstream and in the database;
/// <c>relay_requests_total{outcome}</c> and <c>relay_tokens_total{kind}</c>: relayed traffic.
/// </summary>
public sealed class PoolMetrics
{
    public const string MeterName = "Platform.Pool";

    private readonly Counter<long> _syncActions;
    private readonly Counter<long> _relayRequests;
    private readonly Counter<long> _relayTokens;

    public PoolMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _syncActions = meter.CreateCounter<long>("pool_sync_actions", description: "Sync actions by kind and result.");
        _relayRequests = meter.CreateCounter<long>("relay_requests", description: "Relayed requests by outcome.");
        _relayTokens = meter.CreateCounter<long>("relay_tokens", description: "Tokens the upstream reported, by kind.");
    }

    /// <param name="action">list_teams, rename_team, list_members, create_child.</param>
    /// <param name="result">ok, skipped or error.</param>
    public void SyncAction(string action, string result, long count = 1) =>
        _syncActions.Add(count, new("action", action), new("result", result));

    /// <param name="outcome">The upstream's status class (2xx, 4xx, 5xx) or the relay's own refusal code.</param>
    public void RelayRequest(string outcome) => _relayRequests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void RelayTokens(TokenUsage usage)
    {
        _relayTokens.Add(usage.Input, new KeyValuePair<string, object?>("kind", "input"));
        _relayTokens.Add(usage.Output, new KeyValuePair<string, object?>("kind", "output"));
        _relayTokens.Add(usage.CacheCreate, new KeyValuePair<string, object?>("kind", "cache_create"));
        _relayTokens.Add(usage.CacheRead, new KeyValuePair<string, object?>("kind", "cache_read"));
    }
}
