using System.Globalization;
using System.Text;

namespace Bench.Faults;

/// <summary>
/// The same load for a long time, sampled: each process's memory (PSS of its process tree, so PostgreSQL's backends
/// count once), PostgreSQL client connections, held relay slots, running job leases and the outbox backlog. Growth
/// is the mean of the last samples over the mean of the first samples after warm-up.
/// </summary>
public sealed class Soak(PlatformHost platform, Audit audit, TextWriter log)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private const int Window = 4; // samples averaged at each end

    private readonly List<(DateTimeOffset At, Dictionary<string, double> Values)> _samples = [];

    public async Task RunAsync(TimeSpan duration)
    {
        var end = DateTimeOffset.UtcNow + duration;
        while (DateTimeOffset.UtcNow < end)
        {
            var sample = await SampleAsync();
            _samples.Add((DateTimeOffset.UtcNow, sample));
            log.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} soak: {string.Join(", ", sample.Select(s => $"{s.Key} {s.Value:0}"))}");
            await Task.Delay(Interval); // the sampling period
        }
    }

    private async Task<Dictionary<string, double>> SampleAsync()
    {
        var values = new Dictionary<string, double>();
        foreach (var resource in platform.Resources)
        {
            try
            {
                values[$"{resource} MiB"] = PlatformHost.ProcessTree(platform.ProcessId(resource)).Sum(PssKiB) / 1024.0;
            }
            catch (InvalidOperationException)
            {
                // Not running (the dashboard is off under the testing builder).
            }
        }
        values["pg connections"] = (await audit.RowsAsync("postgres", "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'", r => r.GetInt64(0)))[0];
        values["relay slots"] = (await audit.RowsAsync("pooldb", "SELECT count(*) FROM relay_slots WHERE expires_at > now()", r => r.GetInt64(0)))[0];
        values["job leases"] = (await audit.RowsAsync("pooldb", "SELECT count(*) FROM pool_jobs WHERE status = 'running'", r => r.GetInt64(0)))[0]
                               + (await audit.RowsAsync("usersdb", "SELECT count(*) FROM user_jobs WHERE status = 'running'", r => r.GetInt64(0)))[0];
        var backlog = 0L;
        foreach (var database in PlatformHost.Databases)
        {
            backlog += (await audit.RowsAsync(database, "SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL AND parked_at IS NULL", r => r.GetInt64(0)))[0];
        }
        values["outbox backlog"] = backlog;
        return values;
    }

    private static long PssKiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Per measure: after warm-up, at the end, growth, and the highest sample.</summary>
    public string Report(TimeSpan warmUp, out bool flat)
    {
        flat = true;
        var start = _samples[0].At + warmUp;
        var steady = _samples.Where(s => s.At >= start).ToList();
        var report = new StringBuilder();
        if (steady.Count < 2 * Window)
        {
            report.AppendLine($"Too few samples after warm-up ({steady.Count}).");
            flat = false;
            return report.ToString();
        }
        report.AppendLine($"Samples every {Interval.TotalSeconds:0} s: {_samples.Count}; warm-up {warmUp.TotalMinutes:0} min; growth = mean of the last {Window} over the mean of the first {Window} after warm-up.");
        report.AppendLine();
        report.AppendLine("| measure | after warm-up | at the end | growth | max | |");
        report.AppendLine("|---|---|---|---|---|---|");
        foreach (var name in steady[0].Values.Keys)
        {
            double Mean(IEnumerable<(DateTimeOffset At, Dictionary<string, double> Values)> samples) => samples.Average(s => s.Values.GetValueOrDefault(name));
            var first = Mean(steady.Take(Window));
            var last = Mean(steady.TakeLast(Window));
            var max = steady.Max(s => s.Values.GetValueOrDefault(name));
            var memory = name.EndsWith("MiB", StringComparison.Ordinal);
            // Memory may grow under 10%; counts that must not grow may only stay within their warm-up peak.
            var growth = first == 0 ? (last == 0 ? 0 : double.PositiveInfinity) : (last - first) / first;
            var ok = memory ? growth < 0.10 : last <= Math.Max(first, steady.Take(Window).Max(s => s.Values.GetValueOrDefault(name)));
            flat &= ok;
            report.AppendLine($"| {name} | {first:0.#} | {last:0.#} | {(double.IsInfinity(growth) ? "from 0" : $"{growth:+0.0%;-0.0%;0.0%}")} | {max:0.#} | {(ok ? "ok" : "**grew**")} |");
        }
        return report.ToString();
    }
}
