namespace Platform.Testing;

/// <summary>Polling with a deadline instead of sleeping for a guessed time.</summary>
public static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }
        return true;
    }

    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, interval);
}
