using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Platform.Testing;

/// <summary>A server resource of a running app that a test can stop, kill (SIGKILL, as a crash) and start again.</summary>
public sealed class ServerControl(DistributedApplication app, IResource resource)
{
    /// <summary>Stops the server as the orchestrator does (SIGTERM) and waits until it has exited.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, timeout.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{resource.Name} did not stop: {result.Message}");
        }
        await WaitUntilDownAsync(timeout.Token);
    }

    public async Task KillAsync()
    {
        Process.GetProcessById(ProcessId()).Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await WaitUntilDownAsync(timeout.Token);
    }

    /// <summary>Starts the server again (on the same port, with the same password) and waits until it is healthy.</summary>
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, timeout.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{resource.Name} did not start: {result.Message}");
        }
        await app.ResourceNotifications.WaitForResourceHealthyAsync(resource.Name, timeout.Token);
    }

    private Task WaitUntilDownAsync(CancellationToken cancellationToken) =>
        app.ResourceNotifications.WaitForResourceAsync(resource.Name,
            e => e.Snapshot.State?.Text != KnownResourceStates.Running && e.Snapshot.State?.Text != KnownResourceStates.Starting
                 && e.Snapshot.State?.Text != KnownResourceStates.Stopping,
            cancellationToken);

    private int ProcessId() =>
        app.ResourceNotifications.TryGetCurrentState(resource.Name, out var state)
        && state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{resource.Name} has no process.");
}
