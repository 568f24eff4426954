using System.Text;

namespace Bench.Faults;

/// <summary>
/// Applies each fault in turn while the load runs and reports, per fault, the client-visible failures by status and
/// the time from the fault to the last failure it caused (the platform then serves <see cref="Calm"/> without one).
/// </summary>
public sealed class FaultSuite(PlatformHost platform, Ledger ledger, TextWriter log)
{
    /// <summary>Failure-free time that counts as recovered; a fault's window ends there (or after <see cref="MaxSettle"/>).</summary>
    private static readonly TimeSpan Calm = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxSettle = TimeSpan.FromMinutes(3);

    public sealed record Fault(string Name, string Acceptable, Func<Outcome, bool> IsAcceptable, Func<Task> Inject, Func<Task> Repair);

    public sealed record Result(Fault Fault, DateTimeOffset Injected, DateTimeOffset Repaired, DateTimeOffset End, IReadOnlyList<Outcome> Outcomes)
    {
        public IReadOnlyList<Outcome> Failures => [.. Outcomes.Where(o => o.Failed)];

        public IReadOnlyList<Outcome> Unacceptable => [.. Failures.Where(o => !Fault.IsAcceptable(o))];

        /// <summary>From the fault to the last failure it caused; zero when clients saw none.</summary>
        public TimeSpan Recovery => Failures.Count == 0 ? TimeSpan.Zero : Failures.Max(o => o.At) - Injected;
    }

    public IReadOnlyList<Fault> Faults()
    {
        static bool Never(Outcome _) => false;
        var instances = PlatformHost.Services.Select(s => $"{s}-2").ToArray();
        return
        [
            new("Redis killed (SIGKILL), restarted after 10 s", "none", Never,
                () => platform.KillAsync("cache"), async () => { await Hold(10); await platform.StartAsync("cache"); }),
            new("RabbitMQ frozen 30 s (SIGSTOP, SIGCONT)", "none", Never,
                () => { platform.Freeze("messaging", true); return Task.CompletedTask; },
                async () => { await Hold(30); platform.Freeze("messaging", false); }),
            new("PostgreSQL restarted (fast shutdown, started again)", "503 with Retry-After", o => o.Status == 503 && o.RetryAfter,
                () => platform.FastShutdownAsync("postgres"), () => platform.StartAsync("postgres")),
            new("One instance of each service killed (SIGKILL), started again after 20 s", "none", Never,
                () => Task.WhenAll(instances.Select(platform.KillAsync)),
                async () => { await Hold(20); await Task.WhenAll(instances.Select(platform.StartAsync)); }),
            new("Gateway restarted (stopped, started again)", "connection errors", o => o.Status == Outcome.ConnectionFailed,
                () => platform.StopAsync("gateway"), () => platform.StartAsync("gateway")),
        ];
    }

    private static Task Hold(int seconds) => Task.Delay(TimeSpan.FromSeconds(seconds)); // the fault's duration

    public async Task<IReadOnlyList<Result>> RunAsync(TimeSpan baseline)
    {
        List<Result> results = [];
        var start = DateTimeOffset.UtcNow;
        await Task.Delay(baseline);
        results.Add(new Result(new Fault("Baseline (no fault)", "none", _ => false, () => Task.CompletedTask, () => Task.CompletedTask),
            start, start, DateTimeOffset.UtcNow, ledger.Between(start, DateTimeOffset.UtcNow)));
        foreach (var fault in Faults())
        {
            log.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} fault: {fault.Name}");
            var injected = DateTimeOffset.UtcNow;
            await fault.Inject();
            await fault.Repair();
            var repaired = DateTimeOffset.UtcNow;
            var end = await SettleAsync(repaired);
            var result = new Result(fault, injected, repaired, end, ledger.Between(injected, end));
            log.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss}   {result.Outcomes.Count} requests, {result.Failures.Count} failed, recovered in {result.Recovery.TotalSeconds:0.0} s");
            results.Add(result);
        }
        return results;
    }

    /// <summary>Waits until the load has run <see cref="Calm"/> without a failure; returns when the window ends.</summary>
    private async Task<DateTimeOffset> SettleAsync(DateTimeOffset repaired)
    {
        var deadline = repaired + MaxSettle;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var now = DateTimeOffset.UtcNow;
            var lastFailure = ledger.Between(repaired - TimeSpan.FromMinutes(5), now).Where(o => o.Failed).Select(o => o.At).DefaultIfEmpty(repaired).Max();
            if (now - lastFailure >= Calm && now - repaired >= Calm) return now;
            await Task.Delay(TimeSpan.FromMilliseconds(500)); // polling the ledger
        }
        return DateTimeOffset.UtcNow;
    }

    public static string Report(IReadOnlyList<Result> results)
    {
        var report = new StringBuilder();
        report.AppendLine("| fault | requests | failed (by status) | acceptable | unacceptable | fault held | recovered after |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var result in results)
        {
            var failures = result.Failures.GroupBy(o => $"{o.Label}").OrderByDescending(g => g.Count())
                .Select(g => $"{g.Key}: {g.Count()}").DefaultIfEmpty("none");
            report.AppendLine($"| {result.Fault.Name} | {result.Outcomes.Count} | {string.Join("; ", failures)} | {result.Fault.Acceptable} | "
                + $"{result.Unacceptable.Count} | {(result.Repaired - result.Injected).TotalSeconds:0.0} s | {result.Recovery.TotalSeconds:0.0} s |");
        }
        var unacceptable = results.SelectMany(r => r.Unacceptable).ToList();
        if (unacceptable.Count > 0)
        {
            report.AppendLine();
            report.AppendLine("Unacceptable failures by fault and operation:");
            report.AppendLine();
            foreach (var result in results.Where(r => r.Unacceptable.Count > 0))
            {
                foreach (var group in result.Unacceptable.GroupBy(o => $"{o.Operation}: {o.Label}").OrderByDescending(g => g.Count()))
                {
                    report.AppendLine($"- {result.Fault.Name}: {group.Key} x{group.Count()}");
                }
            }
        }
        return report.ToString();
    }
}
