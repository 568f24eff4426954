using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.Jobs;

/// <summary>The <c>Jobs</c> configuration section (docs/jobs.md).</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Lease of a running job; extended every third of it while the handler runs.</summary>
    [Range(1, 86_400)]
    public int VisibilityTimeoutSeconds { get; set; } = 300;

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First retry delay; it doubles with each further attempt up to <see cref="MaxBackoffSeconds"/>.</summary>
    [Range(0, 86_400)]
    public double BackoffSeconds { get; set; } = 10;

    [Range(0, 86_400)]
    public double MaxBackoffSeconds { get; set; } = 600;

    /// <summary>How long an idle runner waits before looking again.</summary>
    [Range(1, 60_000)]
    public int PollIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Jobs one instance runs at once.</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 1;

    /// <summary>Off: this instance enqueues and serves the API but runs no jobs.</summary>
    public bool RunnerEnabled { get; set; } = true;

    public TimeSpan VisibilityTimeout => TimeSpan.FromSeconds(VisibilityTimeoutSeconds);

    /// <summary>Delay before the next attempt after attempt number <paramref name="attempt"/> failed.</summary>
    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoffSeconds, BackoffSeconds * Math.Pow(2, Math.Max(0, attempt - 1))));
}
