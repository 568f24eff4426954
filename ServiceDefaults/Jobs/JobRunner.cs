using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Hosting;

namespace Platform.ServiceDefaults.Jobs;

/// <summary>
/// Runs the jobs of one queue: claims a due job, runs its handler while extending the lease every third of it, and
/// finishes it, all conditional on the lease token. When an extension finds the lease gone (the job was reaped
/// and perhaps claimed by another runner), the handler is cancelled and nothing more is written. Several instances
/// share one table safely; <c>Jobs:Workers</c> loops run in each.
/// </summary>
public sealed partial class JobRunner<TContext>(
    IServiceScopeFactory scopes, IOptions<JobOptions> options, JobMetrics metrics, JobQueueName queue,
    TimeProvider time, ILogger<JobRunner<TContext>> logger) : PeriodicBackgroundService(time)
    where TContext : DbContext
{
    private readonly JobOptions _options = options.Value;
    private long _lastReap;

    protected override TimeSpan Period => TimeSpan.FromMilliseconds(_options.PollIntervalMilliseconds);

    /// <summary><c>Jobs:Workers</c> loops, each running one job at a Time.</summary>
    protected override int Loops => _options.Workers;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _options.RunnerEnabled ? base.ExecuteAsync(stoppingToken) : Task.CompletedTask;

    /// <summary>Runs due jobs one after another until none is due.</summary>
    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        while (await RunOneAsync(cancellationToken))
        {
        }
    }

    protected override void OnRoundFailed(Exception exception, TimeSpan retryIn) => LogLoopFailed(logger, exception, queue.Name);

    /// <summary>Reaps expired leases now and then, claims one job and runs it; false when nothing was due.</summary>
    public async Task<bool> RunOneAsync(CancellationToken stoppingToken)
    {
        Job? job;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var jobs = scope.ServiceProvider.GetRequiredService<JobQueue<TContext>>();
            await ReapIfDueAsync(jobs, stoppingToken);
            job = await jobs.ClaimAsync(stoppingToken);
        }
        if (job is null)
        {
            return false;
        }
        await RunAsync(job, stoppingToken);
        return true;
    }

    private async Task ReapIfDueAsync(JobQueue<TContext> jobs, CancellationToken cancellationToken)
    {
        // Every third of a lease is often enough: a lease is only late once it has run out.
        var now = Time.GetTimestamp();
        var last = Interlocked.Read(ref _lastReap);
        if (last != 0 && Time.GetElapsedTime(last, now) < _options.VisibilityTimeout / 3)
        {
            return;
        }
        if (Interlocked.CompareExchange(ref _lastReap, now, last) == last && await jobs.ReapExpiredAsync(cancellationToken) is > 0 and var reaped)
        {
            LogReaped(logger, reaped, queue.Name);
        }
    }

    private async Task RunAsync(Job job, CancellationToken stoppingToken)
    {
        // A job is the next step of whatever enqueued it: a child span of that request's or message's trace.
        using var activity = JobMetrics.Source.StartActivity($"job {job.Type}", ActivityKind.Consumer, job.TraceParent);
        activity?.SetTag("job.id", job.Id).SetTag("job.queue", queue.Name).SetTag("job.attempt", job.Attempts);
        var token = job.LeaseToken!.Value;
        var started = Stopwatch.GetTimestamp();
        using var leaseLost = new CancellationTokenSource();
        using var cancelHandler = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leaseLost.Token);
        using var stopExtending = new CancellationTokenSource();
        var extender = ExtendWhileRunningAsync(job.Id, token, leaseLost, stopExtending.Token);

        Exception? failure = null;
        JobOutcome? outcome = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetKeyedService<IJobHandler>(job.Type)
                ?? throw new InvalidOperationException($"No handler is registered for job type '{job.Type}'.");
            var execution = new JobExecution(job.Id, job.Type, job.Payload, job.Attempts, job.MaxAttempts, job.Actor)
            {
                Progress = (progress, ct) => ReportProgressAsync(job.Id, token, progress, leaseLost, ct),
            };
            outcome = await handler.HandleAsync(execution, cancelHandler.Token);
        }
        catch (Exception) when (cancelHandler.IsCancellationRequested)
        {
            // Cut short by a lost lease or by shutdown (whatever the handler threw on the way out): decided below,
            // never counted as the job's own failure.
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            await stopExtending.CancelAsync();
            await extender;
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (leaseLost.IsCancellationRequested)
        {
            // Another runner may own the job now: write nothing.
            metrics.Record(queue.Name, job.Type, "lost", elapsed);
            LogLeaseLost(logger, job.Id, job.Type, queue.Name);
            return;
        }

        await using var finishScope = scopes.CreateAsyncScope();
        var jobs = finishScope.ServiceProvider.GetRequiredService<JobQueue<TContext>>();
        // Finishing must not be cut short by shutdown: the lease is still ours and the outcome is known.
        if (outcome is not null)
        {
            var finished = await jobs.CompleteAsync(job.Id, token, outcome, CancellationToken.None);
            metrics.Record(queue.Name, job.Type, finished ? "succeeded" : "lost", elapsed);
        }
        else if (failure is not null)
        {
            var final = job.Attempts >= job.MaxAttempts;
            var finished = await jobs.FailAsync(job.Id, token, job.Attempts, $"{failure.GetType().Name}: {failure.Message}", CancellationToken.None);
            metrics.Record(queue.Name, job.Type, !finished ? "lost" : final ? "failed" : "retrying", elapsed);
            LogAttemptFailed(logger, failure, job.Id, job.Type, job.Attempts, job.MaxAttempts);
        }
        else
        {
            // The host is stopping mid-job: hand it back now instead of leaving it to the lease's end.
            var released = await ReleaseQuietlyAsync(jobs, job.Id, token);
            metrics.Record(queue.Name, job.Type, released ? "released" : "lost", elapsed);
            LogReleased(logger, job.Id, job.Type, queue.Name, released);
        }
    }

    private async Task<bool> ReleaseQuietlyAsync(JobQueue<TContext> jobs, Guid id, Guid token)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return await jobs.ReleaseAsync(id, token, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or DbException or InvalidOperationException)
        {
            // The database is out of reach while stopping: the lease running out returns the job instead.
            LogReleaseFailed(logger, ex, id);
            return false;
        }
    }

    /// <summary>A handler's progress: its counts so far, written (with a lease extension) only while the lease is ours.</summary>
    private async Task ReportProgressAsync(Guid id, Guid token, JobOutcome progress, CancellationTokenSource leaseLost, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var jobs = scope.ServiceProvider.GetRequiredService<JobQueue<TContext>>();
        if (!await jobs.ProgressAsync(id, token, progress, cancellationToken))
        {
            await leaseLost.CancelAsync();
            throw new OperationCanceledException($"Job {id} lost its lease.", leaseLost.Token);
        }
    }

    /// <summary>Extends the lease every third of it; cancels the handler as soon as an extension finds the lease gone.</summary>
    private async Task ExtendWhileRunningAsync(Guid id, Guid token, CancellationTokenSource leaseLost, CancellationToken stop)
    {
        var every = _options.VisibilityTimeout / 3;
        try
        {
            while (true)
            {
                await Task.Delay(every, Time, stop);
                await using var scope = scopes.CreateAsyncScope();
                var jobs = scope.ServiceProvider.GetRequiredService<JobQueue<TContext>>();
                if (!await jobs.ExtendAsync(id, token, stop))
                {
                    await leaseLost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The database is unreachable: keep nothing running that we may no longer own.
            LogExtendFailed(logger, ex, id);
            await leaseLost.CancelAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job runner loop of {Queue} failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Returned {Count} job(s) with expired leases in {Queue}")]
    private static partial void LogReaped(ILogger logger, int count, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Type}) in {Queue} lost its lease; it was left to its new holder")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId, string type, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Type}) in {Queue} was handed back as the runner stopped (released: {Released})")]
    private static partial void LogReleased(ILogger logger, Guid jobId, string type, string queue, bool released);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand job {JobId} back while stopping; its lease will return it")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Type}) attempt {Attempt}/{MaxAttempts} failed")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, Guid jobId, string type, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not extend the lease of job {JobId}; cancelling it")]
    private static partial void LogExtendFailed(ILogger logger, Exception exception, Guid jobId);
}
