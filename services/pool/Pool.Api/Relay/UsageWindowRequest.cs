using Microsoft.AspNetCore.Mvc;
using Platform.ServiceDefaults.Http;

namespace Pool.Api.Relay;

/// <summary>The buckets a usage query reads: grouped <see cref="By"/>, of <see cref="Period"/>, in [From, To).</summary>
public sealed record UsageWindow(string By, string Period, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// <c>?by=&amp;period=&amp;from=&amp;to=</c> of a usage query. Defaults: by key, daily, over the last 30 days (hourly: 1
/// day, minute: 1 hour, monthly: 1 year) up to now; at most 400 days. Instants outside 2000-3000 are refused: no
/// usage lies there, and the window arithmetic near the calendar's ends would overflow.
/// </summary>
public record UsageWindowRequest(
    [FromQuery(Name = "by")] string? By,
    [FromQuery(Name = "period")] string? Period,
    [FromQuery(Name = "from")] DateTimeOffset? From,
    [FromQuery(Name = "to")] DateTimeOffset? To,
    [FromServices] TimeProvider Clock) : IValidatableRequest
{
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(3000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Periods = [UsagePeriods.Minute, .. UsagePeriods.Reported];

    /// <summary>What <c>by</c> may name.</summary>
    protected virtual string[] Groupings { get; } = ["key", "account", "model"];

    public FieldProblem? Validate()
    {
        if (By is not null && !Groupings.Contains(By))
        {
            return new("by", $"by must be {string.Join(", ", Groupings)}.");
        }
        if (Period is not null && !Periods.Contains(Period))
        {
            return new("period", "period must be minute, hour, day or month.");
        }
        foreach (var (name, value) in new[] { ("from", From), ("to", To) })
        {
            if (value is { } instant && (instant < Earliest || instant >= Latest))
            {
                return new(name, $"{name} must be between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}.");
            }
        }
        var window = Resolve();
        return window.From < window.To && window.To - window.From <= TimeSpan.FromDays(400)
            ? null
            : new("from", "from must be before to, at most 400 days apart.");
    }

    /// <summary>The window with its defaults filled in; its start is rounded down to the period's bucket.</summary>
    public UsageWindow Resolve()
    {
        var period = Period ?? UsagePeriods.Day;
        var end = To?.ToUniversalTime() ?? Clock.GetUtcNow();
        var start = From?.ToUniversalTime() ?? end - period switch
        {
            UsagePeriods.Minute => TimeSpan.FromHours(1),
            UsagePeriods.Hour => TimeSpan.FromDays(1),
            UsagePeriods.Month => TimeSpan.FromDays(366),
            _ => TimeSpan.FromDays(30),
        };
        return new UsageWindow(By ?? "key", period, UsagePeriods.Start(period, start), end);
    }
}

/// <summary>A caller's own usage: by key or model, never by account.</summary>
public sealed record OwnUsageWindowRequest(
    [FromQuery(Name = "by")] string? By,
    [FromQuery(Name = "period")] string? Period,
    [FromQuery(Name = "from")] DateTimeOffset? From,
    [FromQuery(Name = "to")] DateTimeOffset? To,
    [FromServices] TimeProvider Clock) : UsageWindowRequest(By, Period, From, To, Clock)
{
    protected override string[] Groupings { get; } = ["key", "model"];
}
