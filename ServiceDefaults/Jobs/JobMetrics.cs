using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.ServiceDefaults.Jobs;

/// <summary>Telemetry of the job queues: <c>jobs_processed_total{queue,type,status}</c>, <c>job_failures_total{queue,type}</c>, <c>job_processing_ms</c>.</summary>
public sealed class JobMetrics
{
    public const string MeterName = "Platform.Jobs";

    /// <summary>Each job run's span.</summary>
    internal static readonly ActivitySource Source = new(MeterName);

    private readonly Counter<long> _processed;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;

    public JobMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _processed = meter.CreateCounter<long>("jobs_processed", description: "Job attempts finished, by queue, type and resulting status.");
        _failures = meter.CreateCounter<long>("job_failures", description: "Job attempts that failed (retried or not).");
        // No unit: the exporter would rename "ms" to "milliseconds"; the platform's name is job_processing_ms.
        _duration = meter.CreateHistogram<double>("job_processing_ms", description: "Time a job attempt ran.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [50, 100, 200, 400, 800, 1600, 3200, 6400] });
    }

    /// <param name="status">succeeded, retrying, failed, released (handed back on shutdown) or lost (the lease was gone).</param>
    public void Record(string queue, string type, string status, double milliseconds)
    {
        _processed.Add(1, new("queue", queue), new("type", type), new("status", status));
        _duration.Record(milliseconds, new KeyValuePair<string, object?>("queue", queue), new("type", type));
        if (status is "retrying" or "failed")
        {
            _failures.Add(1, new("queue", queue), new("type", type));
        }
    }
}
