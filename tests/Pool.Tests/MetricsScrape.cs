namespace Pool.Tests;

/// <summary>
/// The Prometheus text a pool instance serves at <c>/metrics</c>, for tests of what is exported. The exporter caches
/// its answer for a moment, so poll it until what is expected shows; to count events, read the counter in-process
/// instead (<see cref="CounterReader"/>).
/// </summary>
public static class MetricsScrape
{
    private static readonly HttpClient Http = new();

    public static Task<string> TextAsync(PoolApp app) => Http.GetStringAsync(new Uri(app.Address, "/metrics"));

    /// <summary>The samples of <paramref name="metric"/> (its lines, labels and value) in a scrape.</summary>
    public static IEnumerable<string> Samples(string text, string metric) =>
        text.Split('\n').Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal));
}
