using System.ComponentModel.DataAnnotations;

namespace Pool.Api;

/// <summary>The <c>Pool</c> configuration section: pool's numbers (the README's configuration table).</summary>
public sealed class PoolOptions
{
    public const string Section = "Pool";

    [Range(1, 1000)]
    public int DefaultSeatLimit { get; set; } = 7;

    /// <summary>A mother's token lifetime when neither the request nor the upstream gives one.</summary>
    [Range(1, 3650)]
    public int TokenLifetimeDays { get; set; } = 40;

    /// <summary>How long a seat is held while the upstream invite runs.</summary>
    [Range(1, 3600)]
    public int SeatHoldSeconds { get; set; } = 30;

    /// <summary>Seat allocation retries on contention, with backoff doubling from the first delay to the last.</summary>
    [Range(0, 20)]
    public int AllocationRetries { get; set; } = 5;

    [Range(1, 10_000)]
    public int AllocationBackoffMilliseconds { get; set; } = 10;

    [Range(1, 10_000)]
    public int AllocationMaxBackoffMilliseconds { get; set; } = 200;

    /// <summary>Members listed per team by a sync.</summary>
    [Range(1, 1000)]
    public int SyncMemberLimit { get; set; } = 100;
}
