using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Testing;

/// <summary>
/// Reads one counter of some hosts as it is recorded, in-process: exact at every moment, unlike a Prometheus scrape
/// (which the exporter caches for a moment, so two scrapes close together can show the same numbers, and which in a
/// test process also shows other hosts' meters). Meter listeners see every meter in the process, so it keeps to
/// those of the given hosts' own meter factories, and sums them.
/// </summary>
public sealed class CounterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public CounterReader(IServiceProvider services, string meterName, string instrumentName)
        : this(meterName, instrumentName, services)
    {
    }

    public CounterReader(string meterName, string instrumentName, params IServiceProvider[] hosts)
    {
        var factories = hosts.Select(h => (object)h.GetRequiredService<IMeterFactory>()).ToHashSet(ReferenceEqualityComparer.Instance);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope is { } scope && factories.Contains(scope) && instrument.Meter.Name == meterName && instrument.Name == instrumentName)
            {
                Published = true;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var key = string.Join(',', tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
            _totals.AddOrUpdate(key, value, (_, total) => total + value);
        });
        _listener.Start();
    }

    /// <summary>Whether the host created the instrument (it counts from then on).</summary>
    public bool Published { get; private set; }

    /// <summary>The sum since this reader started, of the measurements whose tags include all of <paramref name="tags"/>.</summary>
    public long Total(params (string Name, string Value)[] tags) =>
        _totals.Where(t => tags.All(tag => t.Key.Split(',').Contains($"{tag.Name}={tag.Value}"))).Sum(t => t.Value);

    public void Dispose() => _listener.Dispose();
}
