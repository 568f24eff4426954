namespace Platform.Testing;

/// <summary>
/// A controlled clock for whole apps: wall-clock time (GetUtcNow) moves when a test says so, while timers,
/// delays and timestamps stay real, so background work (dispatchers, probes, retries) keeps running.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
