namespace Pool.Api.Relay;

/// <summary>The scheduling strategy an admin chose at runtime (one row); without it, <c>Relay:Strategy</c> applies.</summary>
public sealed class RelaySetting
{
    public const int Current = 1;

    public int Id { get; set; } = Current;
    public required string Strategy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A conversation's account: requests with the same session hash go to the same account while it lasts.</summary>
public sealed class StickySession
{
    public required string SessionHash { get; set; }
    public Guid MotherId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>One request in flight, counted against a scope (<c>key:{id}</c> or <c>account:{id}</c>) until released or expired.</summary>
public sealed class RelaySlot
{
    public Guid Id { get; set; }
    public required string Scope { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// Usage of one (API key, account, model) in one bucket: a minute, hour, day or month (UTC). Totals per key, per account
/// or per model are sums over these rows.
/// </summary>
public sealed class UsageBucket
{
    public required string Period { get; set; }
    public DateTimeOffset BucketStart { get; set; }
    public required string ApiKeyId { get; set; }
    public Guid MotherId { get; set; }
    public required string Model { get; set; }
    public Guid? UserId { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CacheCreateTokens { get; set; }
    public long CacheReadTokens { get; set; }
    public long Requests { get; set; }
    public decimal Cost { get; set; }
}

public static class UsagePeriods
{
    public const string Minute = "minute";
    public const string Hour = "hour";
    public const string Day = "day";
    public const string Month = "month";

    public static readonly string[] Reported = [Hour, Day, Month];

    /// <summary>The start (UTC) of the bucket of <paramref name="period"/> that holds <paramref name="at"/>.</summary>
    public static DateTimeOffset Start(string period, DateTimeOffset at)
    {
        var t = at.ToUniversalTime();
        return period switch
        {
            Minute => new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero),
            Hour => new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero),
            Day => new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero),
            Month => new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown usage period."),
        };
    }
}
