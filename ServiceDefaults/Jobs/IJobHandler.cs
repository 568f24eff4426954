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

/// <summary>The claimed job as a handler sees it.</summary>
public sealed record JobExecution(Guid Id, string Type, string Payload, int Attempt, int MaxAttempts)
{
    public bool IsLastAttempt => Attempt >= MaxAttempts;

    public T Read<T>() => JsonSerializer.Deserialize<T>(Payload, JobQueue.Json)
        ?? throw new InvalidOperationException($"Job {Id} has an empty payload.");
}

/// <summary>What a handler reports: item counts, where an item-level partial failure shows as <see cref="Failed"/>.</summary>
public sealed record JobOutcome(int Total = 0, int Succeeded = 0, int Failed = 0)
{
    public static readonly JobOutcome Done = new(1, 1, 0);
}
