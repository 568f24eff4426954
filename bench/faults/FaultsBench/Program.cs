using System.Globalization;
using System.Text;
using Bench.Faults;
using Platform.Testing;

// bench/faults/run.sh: FaultsBench [--soak 30m] [--report FILE]. Without --soak: the fault suite.
TimeSpan? soak = null;
string? reportFile = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--soak": soak = Duration(args[++i]); break;
        case "--report": reportFile = args[++i]; break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}
var log = Console.Out;
var data = Path.Combine(Path.GetTempPath(), $"faults-bench-{Guid.NewGuid():N}");
await using var llm = await LlmStandIn.StartAsync();
log.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} starting the platform (two instances of each service)");
await using var platform = await PlatformHost.StartAsync(data, llm.BaseAddress);
var ledger = new Ledger();
using var client = new GatewayClient(platform.Gateway, ledger);
var load = new Load(client, ledger);
await load.SetUpAsync();
var loadStarted = DateTimeOffset.UtcNow;
log.WriteLine($"{loadStarted:HH:mm:ss} load running");
using var stop = new CancellationTokenSource();
var running = load.RunAsync(stop.Token);
var audit = new Audit(platform, ledger, load, log);

var report = new StringBuilder();
var passed = true;
if (soak is { } duration)
{
    var sampler = new Soak(platform, audit, log);
    // The stand-in keeps every call it gets; over a long run that is the bench's memory, not the platform's.
    using var forget = new Timer(_ => llm.Calls.Clear(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    await sampler.RunAsync(duration);
    await StopLoadAsync();
    var failures = ledger.Between(loadStarted, DateTimeOffset.MaxValue).Where(o => o.Failed).GroupBy(o => $"{o.Operation}: {o.Label}").ToList();
    report.AppendLine($"Soak of {duration.TotalMinutes:0.#} min under the mixed load. Failed requests: "
        + (failures.Count == 0 ? "none." : string.Join("; ", failures.Select(g => $"{g.Key} x{g.Count()}")) + "."));
    passed &= failures.Count == 0;
    report.AppendLine();
    report.AppendLine(sampler.Report(TimeSpan.FromMinutes(Math.Min(5, duration.TotalMinutes / 6)), out var flat));
    passed &= flat;
}
else
{
    var suite = new FaultSuite(platform, ledger, log);
    var results = await suite.RunAsync(TimeSpan.FromSeconds(20));
    await StopLoadAsync();
    report.AppendLine(FaultSuite.Report(results));
    passed &= results.All(r => r.Unacceptable.Count == 0);
}

// Kept before the audit, so that an audit that cannot run loses nothing measured.
log.WriteLine(report);
if (reportFile is not null) await File.WriteAllTextAsync(reportFile, report.ToString());
var drained = TimeSpan.Zero;
try
{
    drained = await audit.DrainAsync(TimeSpan.FromMinutes(5));
    await audit.RunAsync();
    passed &= audit.Passed;
}
catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or InvalidCastException)
{
    report.AppendLine($"The audit could not run: {e.Message}");
    passed = false;
}
report.AppendLine($"Load: {LoadSummary()}. Drained {drained.TotalSeconds:0} s after the load stopped; then the audit:");
report.AppendLine();
report.AppendLine(audit.Report());
report.AppendLine(passed ? "Verdict: passed." : "Verdict: **FAILED** (see the rows above).");
log.WriteLine();
log.WriteLine(report);
if (reportFile is not null) await File.WriteAllTextAsync(reportFile, report.ToString());
return passed ? 0 : 1;

async Task StopLoadAsync()
{
    await stop.CancelAsync();
    await running;
}

string LoadSummary()
{
    var all = ledger.Outcomes.ToList();
    var seconds = (all.Max(o => o.At) - all.Min(o => o.At)).TotalSeconds;
    return $"{all.Count} requests in {seconds:0} s ({all.Count / seconds:0} /s): "
        + string.Join(", ", all.GroupBy(o => o.Operation).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"))
        + $"; {ledger.AcceptedRedemptions.Count} redemptions accepted, {ledger.AcceptedOrders.Count} orders accepted and {ledger.PaidOrders.Count} paid, "
        + $"{ledger.RelaySucceeded.Values.Sum()} relay calls answered 200, {ledger.SyncJobs.Distinct().Count()} sync jobs enqueued";
}

static TimeSpan Duration(string text) => text[^1] switch
{
    'm' => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
    's' => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
    'h' => TimeSpan.FromHours(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
    _ => throw new ArgumentException($"a duration is like 30m, 90s or 1h, not {text}"),
};
