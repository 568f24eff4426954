using System.Diagnostics.Metrics;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>
/// <c>messaging_outbox_parked_total{type}</c>: outbox rows given up on; <c>messaging_consumer_failures_total{endpoint,type}</c>:
/// messages a consumer failed on through all its retries. Either growing means an operator has something to look at
/// under <c>/admin/messages</c>.
/// </summary>
public sealed class MessagingMetrics
{
    public const string MeterName = "Platform.Messaging";

    private readonly Counter<long> _parked;
    private readonly Counter<long> _failed;

    public MessagingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _parked = meter.CreateCounter<long>("messaging_outbox_parked", description: "Outbox rows parked after failing their attempts.");
        _failed = meter.CreateCounter<long>("messaging_consumer_failures", description: "Messages a consumer failed on through all its retries.");
    }

    public void Parked(string type) => _parked.Add(1, new KeyValuePair<string, object?>("type", type));

    public void ConsumerFailed(string endpoint, string type) => _failed.Add(1, new("endpoint", endpoint), new("type", type));
}
