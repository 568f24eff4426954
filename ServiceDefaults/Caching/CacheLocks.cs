namespace Platform.ServiceDefaults.Caching;

/// <summary>What the providers' best-effort locks share: key, token, and waiting with backoff.</summary>
internal static class CacheLocks
{
    public static string Key(string name) => "lock:" + name;

    public static string NewToken() => Guid.NewGuid().ToString("N");

    /// <summary>Tries until acquired or <paramref name="wait"/> has passed, backing off from 5 ms to 100 ms.</summary>
    public static async ValueTask<bool> PollAsync(Func<ValueTask<bool>> tryAcquire, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency);
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            if (await tryAcquire())
            {
                return true;
            }
            var left = time.GetElapsedTime(time.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }
            await Task.Delay(delay < left ? delay : left, time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(100).Ticks));
        }
    }
}

internal sealed class CacheLock(string name, Func<ValueTask<bool>> release) : ICacheLock
{
    private int _released;

    public string Name => name;

    public ValueTask<bool> ReleaseAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? release() : new(false);

    public async ValueTask DisposeAsync() => await ReleaseAsync();
}
