using System.Runtime.InteropServices;
using Platform.Hosting.Output;

namespace Platform.Hosting;

/// <summary>
/// The running application: starts resources in dependency order, reports their states, and stops
/// them all (projects first, in reverse dependency order, then servers) leaving no process behind.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly HostingContext context;
    private readonly CancellationTokenSource stopping = new();
    private readonly object sync = new();
    private Task? stopped;
    private int tablePending;
    private volatile bool started;

    internal DistributedApplication(HostingContext context, IReadOnlyList<Resource> resources)
    {
        this.context = context;
        Resources = resources;
        foreach (var resource in resources)
        {
            context.Console.Register(resource.Name);
            resource.StateChanged += OnStateChanged;
        }
    }

    /// <summary>All resources, dependencies before dependants.</summary>
    public IReadOnlyList<Resource> Resources { get; }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) =>
        CreateBuilder(new DistributedApplicationOptions { Args = args });

    public static DistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) => new(options);

    /// <summary>
    /// Starts each resource once everything it waits for is ready; returns when all are ready.
    /// Throws <see cref="DistributedApplicationException"/> naming the resources that failed.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        using var start = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
        var failed = false;
        try
        {
            await Task.WhenAll(Resources.Select(StartOneAsync));
        }
        catch (Exception ex) when (failed)
        {
            var failures = Resources.Where(r => r.State == ResourceState.Failed).Select(r => $"'{r.Name}': {r.Error}").ToList();
            throw new DistributedApplicationException($"The application did not start. {(failures.Count > 0 ? string.Join(" ", failures) : ex.Message)}");
        }

        started = true;
        context.Console.Block(ResourceTable.Format(Resources));

        async Task StartOneAsync(Resource resource)
        {
            try
            {
                foreach (var dependency in resource.WaitsFor)
                {
                    await dependency.WaitUntilReadyAsync(start.Token);
                }

                await resource.StartAsync(start.Token);
            }
            catch (Exception) when (!start.IsCancellationRequested)
            {
                failed = true;
                await start.CancelAsync(); // no point starting the rest
                throw;
            }
        }
    }

    /// <summary>Stops everything; safe to call more than once.</summary>
    public Task StopAsync()
    {
        lock (sync)
        {
            return stopped ??= StopResourcesAsync();
        }
    }

    /// <summary>Starts, prints where to go, and runs until cancelled, Ctrl+C, SIGINT, SIGTERM or SIGHUP.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // SIGTERM matters as much as Ctrl+C: a background process may have SIGINT ignored.
        var signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(signal => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // the AppHost stops its children itself, then exits
                shutdown.Cancel();
            }))
            .ToList();
        try
        {
            await StartAsync(shutdown.Token);
            AnnounceEndpoints();
            await Task.Delay(Timeout.Infinite, shutdown.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
        }
        finally
        {
            await StopAsync();
            signals.ForEach(registration => registration.Dispose());
        }
    }

    /// <summary>Runs until stopped; a failed start is reported and sets exit code 1.</summary>
    public void Run()
    {
        try
        {
            RunAsync().GetAwaiter().GetResult();
        }
        catch (DistributedApplicationException ex)
        {
            context.Console.Info(ex.Message);
            Environment.ExitCode = 1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        context.DeleteEphemeralData();
        stopping.Dispose();
    }

    private async Task StopResourcesAsync()
    {
        started = false;
        await stopping.CancelAsync();
        context.Console.Info("Stopping...");
        var executables = Resources.OfType<ExecutableResource>().ToList();
        var stops = new Dictionary<Resource, Task>();
        await Task.WhenAll(executables.Select(StopAfterDependants));
        await Task.WhenAll(Resources.Except(executables).Select(StopQuietlyAsync));
        context.Console.Block(ResourceTable.Format(Resources));

        // A project stops once everything depending on it has: the gateway before the services.
        Task StopAfterDependants(ExecutableResource executable)
        {
            if (!stops.TryGetValue(executable, out var stop))
            {
                stops[executable] = stop = StopExecutableAsync(executable);
            }

            return stop;
        }

        async Task StopExecutableAsync(ExecutableResource executable)
        {
            await Task.WhenAll(ResourceGraph.Dependants(executable, executables).Select(StopAfterDependants));
            await StopQuietlyAsync(executable);
        }
    }

    private async Task StopQuietlyAsync(Resource resource)
    {
        try
        {
            await resource.StopAsync();
        }
        catch (Exception ex)
        {
            context.Console.Line(resource.Name, $"did not stop cleanly: {ex.Message}");
        }
    }

    private void AnnounceEndpoints()
    {
        var external = Resources.OfType<ExecutableResource>().Where(e => e.IsExternal).ToList();
        foreach (var endpoint in external)
        {
            context.Console.Info($"{char.ToUpperInvariant(endpoint.Name[0])}{endpoint.Name[1..]}: {endpoint.Url}  (Ctrl+C to stop)");
        }

        if (external.Count == 0)
        {
            context.Console.Info("Running (Ctrl+C to stop)");
        }
    }

    private void OnStateChanged(Resource resource)
    {
        context.Console.Line(resource.Name, $"[{resource.StateText}]");
        if (started && Interlocked.Exchange(ref tablePending, 1) == 0)
        {
            _ = PrintTableSoonAsync();
        }
    }

    // Changes come in bursts (a restart is Restarting, Running, Healthy): one table per burst.
    private async Task PrintTableSoonAsync()
    {
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Volatile.Write(ref tablePending, 0);
        if (started)
        {
            context.Console.Block(ResourceTable.Format(Resources));
        }
    }
}
