namespace Platform.Hosting;

/// <summary>Delay before restarting a crashed process: 1 s doubling up to 30 s, back to 1 s once a run lasted a minute.</summary>
internal sealed class RestartBackoff
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ResetAfter = TimeSpan.FromSeconds(60);
    private TimeSpan next = Initial;

    public TimeSpan NextDelay(TimeSpan lastRunTime)
    {
        if (lastRunTime >= ResetAfter)
        {
            next = Initial;
        }

        var delay = next;
        next = next * 2 < Max ? next * 2 : Max;
        return delay;
    }
}
