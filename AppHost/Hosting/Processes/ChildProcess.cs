using System.Diagnostics;

namespace Platform.Hosting.Processes;

/// <summary>
/// A process the AppHost started and owns: its output goes line by line to a sink, and stopping it
/// takes its whole process tree down.
/// </summary>
internal sealed class ChildProcess
{
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ProcessId? root;

    /// <summary>Completes with the exit code. Unlike WaitForExitAsync it does not wait for the
    /// output pipes to close, which a daemonised grandchild may hold open.</summary>
    public Task<int> Exited => exited.Task;

    public static ChildProcess Start(ProcessSpec spec, Action<string> output)
    {
        var info = new ProcessStartInfo
        {
            // setsid: a new session, so a Ctrl+C on the terminal reaches only the AppHost, which then
            // stops the children in dependency order. setsid and setpriv exec, adding no process.
            FileName = "setsid",
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        if (spec.User is { } user && Environment.IsPrivilegedProcess)
        {
            foreach (var arg in new[] { "setpriv", $"--reuid={user.Uid}", $"--regid={user.Gid}", "--init-groups" })
            {
                info.ArgumentList.Add(arg);
            }
        }

        info.ArgumentList.Add(spec.FileName);
        foreach (var arg in spec.Arguments)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess();
        process.Exited += (_, _) => child.exited.TrySetResult(process.ExitCode);
        process.OutputDataReceived += (_, e) => Forward(e.Data, output);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, output);
        process.Start();
        child.root = ProcessTree.Find(process.Id);
        process.StandardInput.Close(); // nothing reads the AppHost's terminal but the AppHost
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a short-lived tool to its end and returns its exit code.</summary>
    public static async Task<int> RunAsync(ProcessSpec spec, Action<string> output, CancellationToken cancellationToken)
    {
        var child = Start(spec, output);
        try
        {
            return await child.Exited.WaitAsync(cancellationToken);
        }
        finally
        {
            await child.KillAsync();
        }
    }

    /// <summary>Sends the signal, waits up to <paramref name="grace"/>, then kills what is left of the tree.</summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        // Collected first: once the root exits, its children are re-parented and no longer findable.
        var tree = Tree();
        if (root is { } id && ProcessTree.IsAlive(id))
        {
            Libc.Kill(id.Pid, signal);
            await Task.WhenAny(exited.Task, Task.Delay(grace));
        }

        await ProcessTree.KillAsync(tree.Concat(Tree()));
        await exited.Task;
    }

    /// <summary>SIGKILLs the whole tree at once, as a crash would end it.</summary>
    public async Task KillAsync()
    {
        await ProcessTree.KillAsync(Tree());
        await exited.Task;
    }

    // Keyed by start time as well as pid: after exit the pid may belong to someone else.
    private IReadOnlyList<ProcessId> Tree() => root is { } id ? ProcessTree.Of(id) : [];

    private static void Forward(string? line, Action<string> output)
    {
        if (line is not null)
        {
            output(line);
        }
    }
}
