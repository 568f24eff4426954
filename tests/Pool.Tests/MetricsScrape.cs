using System.Globalization;

namespace Pool.Tests;

/// <summary>Reads counters from the Prometheus text a pool instance serves at <c>/metrics</c>.</summary>
public static class MetricsScrape
{
    private static readonly HttpClient Http = new();

    /// <summary>
    /// The sum, over the stack's two instances, of every sample of <paramref name="metric"/> whose labels include
    /// all of <paramref name="labels"/>. A job may run on either instance. In this test process every instance's
    /// exporter also sees the meters of the others (meter listeners are process-wide), so the sum can count an
    /// event more than once: assert that it grew by at least the expected amount, never an exact value.
    /// </summary>
    public static async Task<double> SumAsync(PoolStack stack, string metric, params (string Name, string Value)[] labels)
    {
        var sum = 0.0;
        foreach (var app in new[] { stack.A, stack.B })
        {
            sum += Sum(await TextAsync(app), metric, labels);
        }
        return sum;
    }

    public static Task<string> TextAsync(PoolApp app) => Http.GetStringAsync(new Uri(app.Address, "/metrics"));

    /// <summary>The samples of <paramref name="metric"/> (its lines, labels and value) in a scrape.</summary>
    public static IEnumerable<string> Samples(string text, string metric) =>
        text.Split('\n').Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal));

    public static double Sum(string text, string metric, params (string Name, string Value)[] labels) =>
        Samples(text, metric)
            .Where(line => labels.All(l => line.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Sum(Value);

    /// <summary>The value after the name and labels (route patterns in labels hold braces: the last one closes the set).</summary>
    private static double Value(string line)
    {
        var labelsEnd = line.LastIndexOf('}');
        var rest = labelsEnd >= 0 ? line[(labelsEnd + 1)..] : line[line.IndexOf(' ')..];
        return double.Parse(rest.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
