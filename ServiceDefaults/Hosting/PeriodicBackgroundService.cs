using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Hosting;

/// <summary>
/// The one shape of the platform's background loops: a round at start, then a round on each tick of a
/// <see cref="PeriodicTimer"/> on the injected <see cref="TimeProvider"/> (so a test's clock drives it too), or as
/// soon as <see cref="WaitForWakeAsync"/> completes. A failed round is reported to <see cref="OnRoundFailed"/> and
/// tried again on a later tick, no sooner than <see cref="RetryDelay"/> after the failure. Rounds of one loop never
/// overlap; a round that outlasts the period is followed by the next at once. Stopping ends the loop quietly.
/// </summary>
public abstract class PeriodicBackgroundService(TimeProvider time) : BackgroundService
{
    /// <summary>The injected clock, for the service's own use too.</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>Time between rounds when nothing wakes the loop.</summary>
    protected abstract TimeSpan Period { get; }

    /// <summary>Loops run side by side, each with its own timer.</summary>
    protected virtual int Loops => 1;

    /// <summary>One round of work; an exception fails the round, not the service.</summary>
    protected abstract Task RunRoundAsync(CancellationToken cancellationToken);

    /// <summary>Completes when there is work before the next tick. Never, unless a service has such a signal.</summary>
    protected virtual Task WaitForWakeAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    /// <summary>The least wait after <paramref name="failures"/> failed rounds in a row; zero: the next tick.</summary>
    protected virtual TimeSpan RetryDelay(int failures) => TimeSpan.Zero;

    /// <summary>A round failed; the loop retries in about <paramref name="retryIn"/> (or at the next tick).</summary>
    protected abstract void OnRoundFailed(Exception exception, TimeSpan retryIn);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Loops == 1
            ? LoopAsync(stoppingToken)
            : Task.WhenAll(Enumerable.Range(0, Loops).Select(_ => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None)));

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, Time);
        // A wait that lost the race stays pending for the next one: a timer allows one waiter, and a wake-up
        // signalled meanwhile must not be lost.
        Task<bool>? tick = null;
        Task? wake = null;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var retryIn = TimeSpan.Zero;
            var failedAt = 0L;
            try
            {
                await RunRoundAsync(stoppingToken);
                failures = 0;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failedAt = Time.GetTimestamp();
                retryIn = RetryDelay(++failures);
                OnRoundFailed(e, retryIn);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            while (true)
            {
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                var backingOff = retryIn > TimeSpan.Zero && Time.GetElapsedTime(failedAt) < retryIn;
                var done = backingOff ? await Task.WhenAny(tick) : await Task.WhenAny(tick, wake ??= WaitForWakeAsync(stoppingToken));
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                if (done == wake)
                {
                    wake = null;
                    break;
                }
                tick = null;
                if (retryIn == TimeSpan.Zero || Time.GetElapsedTime(failedAt) >= retryIn)
                {
                    break;
                }
            }
        }
    }
}
