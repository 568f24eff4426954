using System.Collections.Concurrent;

namespace Bench.Faults;

/// <summary>One answer the load got: its status, or <see cref="ConnectionFailed"/> / <see cref="TimedOut"/>.</summary>
public sealed record Outcome(DateTimeOffset At, string Operation, int Status, bool RetryAfter, string? Code)
{
    public const int ConnectionFailed = -1;
    public const int TimedOut = -2;

    public bool Failed => Status is < 200 or >= 300;

    public string Label => Status switch
    {
        ConnectionFailed => "connection error",
        TimedOut => "timeout",
        _ => $"{Status}{(Code is null ? "" : $" {Code}")}{(RetryAfter ? " (Retry-After)" : "")}",
    };
}

/// <summary>What the load did and what the platform accepted: the audit checks the databases against it.</summary>
public sealed class Ledger
{
    public ConcurrentQueue<Outcome> Outcomes { get; } = new();

    /// <summary>Redemptions answered 202: id to code.</summary>
    public ConcurrentDictionary<Guid, string> AcceptedRedemptions { get; } = new();

    /// <summary>Codes whose redemption got no clear answer (connection lost); at most one redemption may exist for each.</summary>
    public ConcurrentBag<string> UncertainCodes { get; } = [];

    /// <summary>Orders answered 201 (or 200 for a replayed Idempotency-Key): order id to the payment the provider made for it.</summary>
    public ConcurrentDictionary<string, string?> AcceptedOrders { get; } = new();

    public ConcurrentDictionary<string, string> PaidOrders { get; } = new();

    /// <summary>Relay calls per API key id that got 200, and those with no clear answer.</summary>
    public ConcurrentDictionary<string, long> RelaySucceeded { get; } = new();

    public ConcurrentDictionary<string, long> RelayUncertain { get; } = new();

    public ConcurrentBag<Guid> SyncJobs { get; } = [];

    public ConcurrentBag<string> Buyers { get; } = [];

    public void Add(Outcome outcome) => Outcomes.Enqueue(outcome);

    public IReadOnlyList<Outcome> Between(DateTimeOffset from, DateTimeOffset to) => [.. Outcomes.Where(o => o.At >= from && o.At < to)];
}
