using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Platform.LocalServers;

/// <summary>
/// The Unix account a server runs as. PostgreSQL refuses to run as root and RabbitMQ should not, so an AppHost running
/// as root starts them through <c>setpriv</c> (which execs: the orchestrator still sees and signals the server itself);
/// any other AppHost runs them as itself.
/// </summary>
public sealed class ServerAccount
{
    private ServerAccount(string? user) => User = user;

    /// <summary>Null when the servers run as the AppHost's own user.</summary>
    public string? User { get; }

    public static ServerAccount For(string user) => new(Environment.IsPrivilegedProcess ? user : null);

    /// <summary>The command the orchestrator runs for <paramref name="binary"/>.</summary>
    public string Command(string binary) => User is null ? binary : "setpriv";

    /// <summary>The arguments that come before the binary's own.</summary>
    public IReadOnlyList<string> Prefix(string binary) =>
        User is null ? [] : [$"--reuid={User}", $"--regid={User}", "--init-groups", "--", binary];

    /// <summary>Creates <paramref name="path"/> (and its parents) with the account as owner and owner-only access.</summary>
    public async Task CreateDirectoryAsync(string path, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (User is null)
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return;
        }
        await RunAsync("install", ["-d", "-o", User, "-g", User, "-m", "0700", path], logger, cancellationToken, asAccount: false);
    }

    /// <summary>Runs a command to its end as the account, its output going to the resource's log; fails on a non-zero exit.</summary>
    public Task RunAsync(string binary, IReadOnlyList<string> args, ILogger logger, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync(binary, args, logger, cancellationToken, asAccount: true, environment);

    private async Task RunAsync(string binary, IReadOnlyList<string> args, ILogger logger, CancellationToken cancellationToken,
        bool asAccount, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(asAccount ? Command(binary) : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (asAccount ? Prefix(binary) : []).Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{binary} did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) logger.LogInformation("{Line}", line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) logger.LogWarning("{Line}", line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(binary)} {args.FirstOrDefault()} exited with code {process.ExitCode} (its output is in the log above).");
        }
    }

    /// <summary>Writes a file the account owns, readable by it alone (or also writable).</summary>
    public async Task WriteFileAsync(string path, string content, bool writable, ILogger logger, CancellationToken cancellationToken)
    {
        File.Delete(path); // an Erlang cookie is read-only, even for its owner
        await File.WriteAllTextAsync(path, content, cancellationToken);
        File.SetUnixFileMode(path, writable ? UnixFileMode.UserRead | UnixFileMode.UserWrite : UnixFileMode.UserRead);
        if (User is not null)
        {
            await RunAsync("chown", [$"{User}:{User}", path], logger, cancellationToken, asAccount: false);
        }
    }
}
