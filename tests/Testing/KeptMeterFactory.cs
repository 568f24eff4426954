using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Platform.Testing;

/// <summary>
/// An <see cref="IMeterFactory"/> whose meters outlive their host, for services hosted side by side in the test
/// process. OpenTelemetry merges same-named instruments of every host in the process into one stream, and drops
/// that stream for all of them when one host disposes its meter (open-telemetry/opentelemetry-dotnet#6412): an
/// instance stopped by one test would silence <c>/metrics</c> of every other instance for the rest of the run.
/// Like the default factory, it hands out one meter per name and version.
/// </summary>
public sealed class KeptMeterFactory : IMeterFactory
{
    private readonly ConcurrentDictionary<(string Name, string? Version), Meter> _meters = new();

    public Meter Create(MeterOptions options)
    {
        if (options.Scope is not null && !ReferenceEquals(options.Scope, this))
        {
            throw new InvalidOperationException("The meter's scope must be this factory.");
        }
        options.Scope = this;
        return options.Tags is null
            ? _meters.GetOrAdd((options.Name, options.Version), _ => new Meter(options))
            : new Meter(options);
    }

    /// <summary>Deliberately keeps the meters: see the class summary.</summary>
    public void Dispose()
    {
    }
}
