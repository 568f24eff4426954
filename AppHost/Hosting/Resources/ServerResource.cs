using Microsoft.Extensions.Configuration;
using Platform.Hosting.Processes;
using Platform.Hosting.Secrets;

namespace Platform.Hosting;

/// <summary>
/// A server process the AppHost runs in the foreground on a loopback port, or, when configuration
/// has <c>ConnectionStrings:&lt;name&gt;</c>, one that runs elsewhere and is only used.
/// </summary>
public abstract class ServerResource : Resource, IResourceWithConnectionString
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly int defaultPort;
    private int? port;
    private bool started;
    private volatile ChildProcess? process;

    private protected ServerResource(string name, int defaultPort, HostingContext context)
        : base(name)
    {
        Context = context;
        this.defaultPort = defaultPort;
    }

    /// <summary>The loopback port; the same across <see cref="StopAsync"/> and <see cref="StartAsync"/>.</summary>
    public int Port => port ??= Context.ResolvePort(Name, defaultPort);

    /// <summary>Given by configuration: used as is, never started or stopped by the AppHost.</summary>
    public bool IsExternal => ExternalConnectionString is not null;

    public string? ConnectionString => DisabledReason is not null ? null : ExternalConnectionString ?? LocalConnectionString;

    public override string? Endpoint => ConnectionString is { } value ? SecretMask.Hide(value) : DisabledReason;

    private protected HostingContext Context { get; }

    private protected string? ExternalConnectionString => Context.Configuration.GetConnectionString(Name);

    private protected abstract string LocalConnectionString { get; }

    /// <summary>Why the server is switched off, or null when it runs.</summary>
    private protected virtual string? DisabledReason => null;

    private protected virtual int StopSignal => Libc.SIGTERM;

    private protected virtual TimeSpan StopGrace => TimeSpan.FromSeconds(10);

    /// <summary>Whether <see cref="ProbeAsync"/> also works against an external server.</summary>
    private protected virtual bool ProbesExternal => false;

    /// <summary>Starts the server (or checks an external one) and returns once it answers.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (DisabledReason is { } reason)
            {
                Context.Console.Line(Name, $"disabled: {reason}");
                SetState(ResourceState.Disabled);
                return;
            }

            if (State == ResourceState.Running)
            {
                return;
            }

            SetState(ResourceState.Starting);
            if (IsExternal)
            {
                if (ProbesExternal)
                {
                    await PollUntilAnsweringAsync(null, cancellationToken);
                }

                SetState(ResourceState.Running);
                return;
            }

            await PrepareAsync(cancellationToken);
            if (!started && !FreePort.IsFree(Port) && Context.ChoosesPortFor(Name))
            {
                // A port picked freely can be taken before first use (outgoing connections draw from the same
                // range): pick again. After the first start the port stays, since clients know it.
                port = FreePort.Next();
            }
            if (!FreePort.IsFree(Port))
            {
                throw new InvalidOperationException($"port {Port} is in use; set Ports:{Name} to choose another.");
            }

            var launched = process = Context.Launch(Name, CreateProcessSpec());
            await PollUntilAnsweringAsync(launched, cancellationToken);
            await OnReadyAsync(cancellationToken);
            started = true;
            SetState(ResourceState.Running);
            _ = ReportUnexpectedExitAsync(launched);
        }
        catch (OperationCanceledException)
        {
            await AbortAsync();
            SetState(ResourceState.Stopped);
            throw;
        }
        catch (Exception ex)
        {
            await AbortAsync();
            SetState(ResourceState.Failed, ex.Message);
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops the server cleanly (its own shutdown signal, then the whole tree is killed).</summary>
    public override async Task StopAsync()
    {
        await gate.WaitAsync();
        try
        {
            var stopped = process;
            if (stopped is null)
            {
                if (IsExternal && State == ResourceState.Running)
                {
                    SetState(ResourceState.Stopped);
                }

                return;
            }

            process = null; // from here on its exit is expected
            SetState(ResourceState.Stopping);
            await stopped.StopAsync(StopSignal, StopGrace);
            await OnStoppedAsync();
            SetState(ResourceState.Stopped);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>SIGKILLs the server's process tree, as a crash would: the resource becomes Failed and
    /// <see cref="StartAsync"/> brings it back on the same port and data.</summary>
    public async Task KillAsync()
    {
        await gate.WaitAsync();
        try
        {
            var killed = process ?? throw new InvalidOperationException($"'{Name}' runs no process of this AppHost.");
            await killed.KillAsync();
            await WaitForStateAsync(state => state == ResourceState.Failed);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Creates folders and files the server needs before its first start.</summary>
    private protected abstract Task PrepareAsync(CancellationToken cancellationToken);

    private protected abstract ProcessSpec CreateProcessSpec();

    /// <summary>True once the server answers its own protocol.</summary>
    private protected abstract Task<bool> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>Set-up that needs the running server.</summary>
    private protected virtual Task OnReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Clean-up of helpers the server left running outside its own process tree.</summary>
    private protected virtual Task OnStoppedAsync() => Task.CompletedTask;

    private async Task PollUntilAnsweringAsync(ChildProcess? launched, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (!await TryProbeAsync(cancellationToken))
        {
            if (launched?.Exited.IsCompleted == true)
            {
                throw new InvalidOperationException($"exited with code {launched.Exited.Result} before it answered (see its output above).");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"did not answer within {ReadyTimeout.TotalSeconds} s.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task<bool> TryProbeAsync(CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(ProbeTimeout);
        try
        {
            return await ProbeAsync(attempt.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task ReportUnexpectedExitAsync(ChildProcess launched)
    {
        var code = await launched.Exited;
        if (process == launched) // StopAsync clears it first, so this exit was not asked for
        {
            Context.Console.Line(Name, $"exited unexpectedly with code {code}");
            SetState(ResourceState.Failed, $"exited unexpectedly with code {code}");
        }
    }

    private async Task AbortAsync()
    {
        if (process is { } started)
        {
            process = null;
            await started.KillAsync();
            await OnStoppedAsync();
        }
    }
}
