using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Platform.ServiceDefaults.Jobs;

public enum JobStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
}

/// <summary>
/// A row of a durable job queue (<c>pool_jobs</c>, <c>user_jobs</c>: one table per service database, same shape).
/// <see cref="VisibleUntil"/> is when a pending job becomes due, and for a running job the end of its lease.
/// </summary>
public sealed class Job
{
    public Guid Id { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    /// <summary>At most one live (pending or running) job per key: the database enforces it.</summary>
    public string? DedupeKey { get; set; }
    public JobStatus Status { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public DateTimeOffset VisibleUntil { get; set; }
    /// <summary>Written at each claim; every extension and the finish must present it.</summary>
    public Guid? LeaseToken { get; set; }
    public string? LastError { get; set; }
    public string? Actor { get; set; }
    /// <summary>The W3C trace context of whatever enqueued the job: its run continues that trace.</summary>
    public string? TraceParent { get; set; }
    public int Total { get; set; }
    public int Succeeded { get; set; }
    public int Failed { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

public static class JobModel
{
    /// <summary>Status names as stored and shown (lower case).</summary>
    public static string Name(JobStatus status) => status switch
    {
        JobStatus.Pending => "pending",
        JobStatus.Running => "running",
        JobStatus.Succeeded => "succeeded",
        JobStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? value, out JobStatus status)
    {
        foreach (var candidate in Enum.GetValues<JobStatus>())
        {
            if (string.Equals(Name(candidate), value, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }
        status = default;
        return false;
    }

    /// <summary>
    /// Maps <see cref="Job"/> to <paramref name="table"/> in a service's DbContext: the partial unique index over live
    /// jobs' dedupe keys is what makes concurrent enqueues of the same work create one job.
    /// </summary>
    public static EntityTypeBuilder<Job> ConfigureJobs(this ModelBuilder modelBuilder, string table)
    {
        var e = modelBuilder.Entity<Job>();
        e.ToTable(table);
        e.Property(j => j.Type).HasMaxLength(100);
        e.Property(j => j.Payload).HasColumnType("jsonb");
        e.Property(j => j.DedupeKey).HasMaxLength(300);
        e.Property(j => j.Actor).HasMaxLength(100);
        e.Property(j => j.TraceParent).HasMaxLength(100);
        e.Property(j => j.Status).HasMaxLength(20).HasConversion(s => Name(s), s => Parse(s));
        e.HasIndex(j => j.DedupeKey).IsUnique().HasFilter("status IN ('pending', 'running') AND dedupe_key IS NOT NULL")
            .HasDatabaseName($"ux_{table}_live_dedupe_key");
        // Claiming looks for due pending jobs, reaping for expired running ones: both by (status, visible_until).
        e.HasIndex(j => new { j.Status, j.VisibleUntil });
        e.HasIndex(j => new { j.Type, j.CreatedAt });
        return e;
    }

    internal static JobStatus Parse(string value) => TryParse(value, out var status) ? status : throw new InvalidOperationException($"Unknown job status '{value}'.");
}
