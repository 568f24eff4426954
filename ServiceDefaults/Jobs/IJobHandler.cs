using System.Text.Json;

namespace Platform.ServiceDefaults.Jobs;

/// <summary>
/// Runs one type of job. Handlers must be idempotent: a job may run again after a crash, a lost lease or a
/// failure, and running it twice must change nothing more than running it once.
/// </summary>
public interface IJobHandler
{
    string Type { get; }

    Task<JobOutcome> HandleAsync(JobExecution job, CancellationToken cancellationToken);
}

/// <summary>The claimed job as a handler sees it; <see cref="Actor"/> is who enqueued it, when someone did.</summary>
public sealed record JobExecution(Guid Id, string Type, string Payload, int Attempt, int MaxAttempts, string? Actor = null)
{
    public bool IsLastAttempt => Attempt >= MaxAttempts;

    /// <summary>Set by the runner: writes the counts under the job's lease.</summary>
    internal Func<JobOutcome, CancellationToken, Task>? Progress { get; init; }

    /// <summary>
    /// Shows how far a long job has got (its counts, readable while it runs) and extends its lease. When the lease
    /// turns out to be gone, the handler's token is cancelled and this throws: another runner may own the job now.
    /// </summary>
    public Task ReportProgressAsync(JobOutcome progress, CancellationToken cancellationToken) =>
        Progress?.Invoke(progress, cancellationToken) ?? Task.CompletedTask;

    public T Read<T>() => JsonSerializer.Deserialize<T>(Payload, JobQueue.Json)
        ?? throw new InvalidOperationException($"Job {Id} has an empty payload.");
}

/// <summary>
/// What a handler reports: item counts, where an item-level partial failure shows as <see cref="Failed"/>, and
/// <see cref="Error"/> naming the failed items (kept as the finished job's <c>last_error</c>).
/// </summary>
public sealed record JobOutcome(int Total = 0, int Succeeded = 0, int Failed = 0, string? Error = null)
{
    public static readonly JobOutcome Done = new(1, 1, 0);
}
