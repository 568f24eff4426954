using Microsoft.Extensions.Time.Testing;
using Platform.ServiceDefaults.Hosting;

namespace ServiceDefaults.Tests.Hosting;

/// <summary>The one background loop: a round at start, one per tick of the injected clock, sooner when woken, later after a failure.</summary>
public sealed class PeriodicBackgroundServiceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Runs_a_round_at_start_and_then_one_per_tick_of_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        using var loop = new CountingLoop(time, TimeSpan.FromMinutes(1));
        await loop.StartAsync(CancellationToken.None);

        Assert.True(await Eventually.TrueAsync(() => loop.Rounds == 1, Deadline));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, loop.Rounds);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Eventually.TrueAsync(() => loop.Rounds == 2, Deadline));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await Eventually.TrueAsync(() => loop.Rounds == 3, Deadline));

        await loop.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_wake_up_runs_a_round_before_the_tick_and_is_not_lost_while_a_round_runs()
    {
        var time = new FakeTimeProvider();
        using var loop = new CountingLoop(time, TimeSpan.FromMinutes(1));
        await loop.StartAsync(CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => loop.Rounds == 1, Deadline));

        loop.Wake();
        Assert.True(await Eventually.TrueAsync(() => loop.Rounds == 2, Deadline));
        loop.Wake();
        Assert.True(await Eventually.TrueAsync(() => loop.Rounds == 3, Deadline));

        await loop.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_failed_round_is_reported_and_retried_on_a_tick_no_sooner_than_its_retry_delay()
    {
        var time = new FakeTimeProvider();
        using var loop = new CountingLoop(time, TimeSpan.FromSeconds(1)) { FailingRounds = 1, Retry = TimeSpan.FromSeconds(3) };
        await loop.StartAsync(CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => loop.Failures == 1, Deadline));
        Assert.Equal(TimeSpan.FromSeconds(3), loop.LastRetryIn);

        // A wake-up does not cut the retry delay short, nor do the ticks within it.
        loop.Wake();
        for (var i = 0; i < 2; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }
        Assert.Equal(1, loop.Rounds);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Eventually.TrueAsync(() => loop.Rounds >= 2, Deadline));

        await loop.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stopping_ends_every_loop_quietly()
    {
        var time = new FakeTimeProvider();
        using var loop = new CountingLoop(time, TimeSpan.FromMinutes(1), loops: 3);
        await loop.StartAsync(CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => loop.Rounds == 3, Deadline));

        await loop.StopAsync(CancellationToken.None);

        Assert.True(loop.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(0, loop.Failures);
    }

    private sealed class CountingLoop(TimeProvider time, TimeSpan period, int loops = 1) : PeriodicBackgroundService(time)
    {
        private readonly SemaphoreSlim _wake = new(0, 1);
        private int _rounds;
        private int _failures;

        public int FailingRounds { get; init; }
        public TimeSpan Retry { get; init; }
        public int Rounds => Volatile.Read(ref _rounds);
        public int Failures => Volatile.Read(ref _failures);
        public TimeSpan LastRetryIn { get; private set; }

        public void Wake()
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }

        protected override TimeSpan Period => period;
        protected override int Loops => loops;

        protected override Task RunRoundAsync(CancellationToken cancellationToken)
        {
            var round = Interlocked.Increment(ref _rounds);
            return round <= FailingRounds ? throw new InvalidOperationException("round failed") : Task.CompletedTask;
        }

        protected override Task WaitForWakeAsync(CancellationToken cancellationToken) => _wake.WaitAsync(cancellationToken);
        protected override TimeSpan RetryDelay(int failures) => Retry;

        protected override void OnRoundFailed(Exception exception, TimeSpan retryIn)
        {
            LastRetryIn = retryIn;
            Interlocked.Increment(ref _failures);
        }
    }
}
