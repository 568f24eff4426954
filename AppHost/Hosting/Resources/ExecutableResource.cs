using System.Collections;
using System.Diagnostics;
using Platform.Hosting.Probes;
using Platform.Hosting.Processes;

namespace Platform.Hosting;

/// <summary>
/// A process the AppHost supervises: started with its references as environment variables,
/// restarted with backoff when it exits unexpectedly, health-checked when it has an HTTP endpoint.
/// </summary>
public class ExecutableResource : Resource
{
    private readonly object sync = new();
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly List<Action<IDictionary<string, string?>>> environment = [];
    private int? port;
    private int? h2cPort;
    private CancellationTokenSource? supervision;
    private Task? supervisor;
    private ChildProcess? current;

    internal ExecutableResource(string name, string command, string workingDirectory, IReadOnlyList<string> arguments, HostingContext context)
        : base(name)
    {
        Command = command;
        WorkingDirectory = workingDirectory;
        Arguments = arguments;
        Context = context;
    }

    public string Command { get; }

    public IReadOnlyList<string> Arguments { get; }

    public string WorkingDirectory { get; }

    public override string Type => "Executable";

    /// <summary>The HTTP port: <c>Ports:&lt;name&gt;</c> from configuration, else the declared one (a
    /// free one in ephemeral mode). Null without an HTTP endpoint.</summary>
    public int? Port
    {
        get
        {
            lock (sync)
            {
                return port ??= HttpEndpoint is { } endpoint ? Context.ResolvePort(Name, endpoint.Port) : null;
            }
        }
    }

    public string? Url => Port is { } p ? $"http://127.0.0.1:{p}" : null;

    /// <summary>The HTTP/2 cleartext port (<c>Ports:&lt;name&gt;-h2c</c>, else a free one). Null without an h2c endpoint.</summary>
    public int? H2cPort
    {
        get
        {
            lock (sync)
            {
                return h2cPort ??= H2cEndpoint ? Context.ResolvePort($"{Name}-h2c", null) : null;
            }
        }
    }

    /// <summary>The endpoint other services reach this one on with HTTP/2 prior knowledge (the gateway's proxy traffic).</summary>
    public string? H2cUrl => H2cPort is { } p ? $"http://127.0.0.1:{p}" : null;

    /// <summary>Meant to be reached from outside (the gateway): the AppHost prints its URL.</summary>
    public bool IsExternal => HttpEndpoint?.External ?? false;

    /// <summary>How many times the process was started again after exiting unexpectedly.</summary>
    public int RestartCount { get; private set; }

    public override string? Endpoint => Url;

    internal (int? Port, bool External)? HttpEndpoint { get; set; }

    internal bool H2cEndpoint { get; set; }

    internal override string StateText => RestartCount == 0 ? base.StateText : $"{base.StateText} ({RestartCount} restarts)";

    private protected HostingContext Context { get; }

    /// <summary>Starts the supervised process and returns once it is ready.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (supervisor is null || supervisor.IsCompleted)
            {
                SetState(ResourceState.Starting);
                supervision = new CancellationTokenSource();
                supervisor = SuperviseAsync(supervision.Token);
            }
        }
        finally
        {
            gate.Release();
        }

        await WaitUntilReadyAsync(cancellationToken);
    }

    /// <summary>SIGTERM, up to 10 s to exit, then the whole process tree is killed.</summary>
    public override async Task StopAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (supervisor is null || supervisor.IsCompleted)
            {
                return; // never started, or failed to launch
            }

            SetState(ResourceState.Stopping);
            await supervision!.CancelAsync();
            ChildProcess? running;
            lock (sync)
            {
                running = current;
            }

            if (running is not null)
            {
                await running.StopAsync(Libc.SIGTERM, TimeSpan.FromSeconds(10));
            }

            await supervisor;
            supervisor = null;
            supervision.Dispose();
            SetState(ResourceState.Stopped);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>With an HTTP endpoint, ready means /health answers 200.</summary>
    private protected override bool IsReadyIn(ResourceState state) =>
        Port is null ? base.IsReadyIn(state) : state == ResourceState.Healthy;

    internal void AddEnvironment(Action<IDictionary<string, string?>> apply) => environment.Add(apply);

    /// <summary>The environment of one launch: the AppHost's own minus Aspire's configuration
    /// conventions (only declared references may carry them), plus what was declared.</summary>
    internal IReadOnlyDictionary<string, string?> BuildEnvironment()
    {
        var variables = new Dictionary<string, string?>();
        foreach (DictionaryEntry inherited in Environment.GetEnvironmentVariables())
        {
            var key = (string)inherited.Key;
            if (key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("services__", StringComparison.OrdinalIgnoreCase))
            {
                variables[key] = null;
            }
        }

        AddDefaultEnvironment(variables);
        foreach (var apply in environment)
        {
            apply(variables);
        }

        return variables;
    }

    /// <summary>Variables every launch of this kind of resource gets; declared ones may override them.</summary>
    private protected virtual void AddDefaultEnvironment(IDictionary<string, string?> variables)
    {
    }

    /// <summary>The process to launch, built again for every launch.</summary>
    private protected virtual ProcessSpec CreateProcessSpec() =>
        new(Command, Arguments) { WorkingDirectory = WorkingDirectory, Environment = BuildEnvironment() };

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var backoff = new RestartBackoff();
        while (true)
        {
            ChildProcess launched;
            try
            {
                lock (sync)
                {
                    if (stopping.IsCancellationRequested)
                    {
                        return; // StopAsync reads current under the same lock: nothing escapes it
                    }

                    launched = current = Context.Launch(Name, CreateProcessSpec());
                }
            }
            catch (Exception ex)
            {
                Context.Console.Line(Name, ex.Message);
                SetState(ResourceState.Failed, ex.Message);
                return;
            }

            var startedAt = Stopwatch.GetTimestamp();
            SetState(ResourceState.Running);
            var code = await WatchAsync(launched);
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            var delay = backoff.NextDelay(Stopwatch.GetElapsedTime(startedAt));
            Context.Console.Line(Name, $"exited unexpectedly with code {code}; restarting in {delay.TotalSeconds:0} s");
            SetState(ResourceState.Restarting);
            try
            {
                await Task.Delay(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            RestartCount++;
        }
    }

    /// <summary>Health-checks the process until it exits; returns its exit code.</summary>
    private async Task<int> WatchAsync(ChildProcess launched)
    {
        using var running = new CancellationTokenSource();
        var health = Url is { } url ? MonitorHealthAsync(url, running.Token) : Task.CompletedTask;
        var code = await launched.Exited;
        await running.CancelAsync();
        await health; // so it cannot report Healthy after the exit
        return code;
    }

    private async Task MonitorHealthAsync(string url, CancellationToken cancellationToken)
    {
        var wasHealthy = false;
        try
        {
            while (true)
            {
                var healthy = await HealthProbe.IsHealthyAsync(url, cancellationToken);
                if ((healthy || wasHealthy) && State is ResourceState.Running or ResourceState.Healthy or ResourceState.Unhealthy)
                {
                    SetState(healthy ? ResourceState.Healthy : ResourceState.Unhealthy);
                }

                wasHealthy |= healthy;
                await Task.Delay(wasHealthy ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
