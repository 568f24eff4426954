using System.Collections.Concurrent;
using System.Text.Json;
using Platform.ServiceDefaults.Jobs;

namespace Pool.Tests;

/// <summary>
/// A test job type registered in both instances of a stack: records every run (which instance, when) and whether a
/// job was ever running twice at the same moment. Payload: <c>{"delayMs": n}</c>.
/// </summary>
public sealed class JobProbe
{
    public const string Type = "test_probe";

    public sealed record Instance(string Name);

    public sealed record Run(Guid JobId, string Instance, int Attempt);

    private readonly ConcurrentDictionary<Guid, int> _inFlight = new();

    public ConcurrentQueue<Run> Runs { get; } = new();

    public int Overlaps;

    public sealed class Handler(JobProbe probe, Instance instance) : IJobHandler
    {
        public string Type => JobProbe.Type;

        public async Task<JobOutcome> HandleAsync(JobExecution job, CancellationToken cancellationToken)
        {
            if (probe._inFlight.AddOrUpdate(job.Id, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref probe.Overlaps);
            }
            probe.Runs.Enqueue(new Run(job.Id, instance.Name, job.Attempt));
            try
            {
                var delay = JsonDocument.Parse(job.Payload).RootElement.GetProperty("delayMs").GetInt32();
                await Task.Delay(delay, cancellationToken);
                return JobOutcome.Done;
            }
            finally
            {
                probe._inFlight.AddOrUpdate(job.Id, 0, (_, n) => n - 1);
            }
        }
    }
}
