using Microsoft.Extensions.Configuration;
using Platform.Hosting.Output;
using Platform.Hosting.Processes;
using Platform.Hosting.Secrets;

namespace Platform.Hosting;

/// <summary>What every resource of one application shares: mode, configuration, data, passwords, output.</summary>
internal sealed class HostingContext
{
    private readonly Lazy<string> dataDirectory;
    private readonly Lazy<string> repositoryRoot = new(FindRepositoryRoot);
    private readonly Lazy<PasswordSource> passwords;

    public HostingContext(DistributedApplicationOptions options, IConfiguration configuration)
    {
        Ephemeral = options.Ephemeral;
        Configuration = configuration;
        Console = new ResourceConsole(options.Output);
        dataDirectory = new(CreateDataDirectory);
        passwords = new(() => Ephemeral ? PasswordSource.Random() : PasswordSource.Derived(DataDirectory));
    }

    /// <summary>Throwaway servers: free ports, tuned for speed, data deleted on dispose.</summary>
    public bool Ephemeral { get; }

    public IConfiguration Configuration { get; }

    public ResourceConsole Console { get; }

    public string DataDirectory => dataDirectory.Value;

    /// <summary>The folder holding aspire.sln; project paths are relative to it.</summary>
    public string RepositoryRoot => repositoryRoot.Value;

    public PasswordSource Passwords => passwords.Value;

    /// <summary><c>Ports:&lt;name&gt;</c> from configuration, else a free port in ephemeral mode or when
    /// there is no preferred one, else the preferred port.</summary>
    /// <summary>True when no configuration fixes the resource's port and the AppHost picks a free one.</summary>
    public bool ChoosesPortFor(string name) => Ephemeral && Configuration.GetValue<int?>($"Ports:{name}") is null;

    public int ResolvePort(string name, int? preferred) =>
        Configuration.GetValue<int?>($"Ports:{name}") ?? (Ephemeral || preferred is null ? FreePort.Next() : preferred.Value);

    /// <summary>Where a server keeps its files: <c>&lt;data&gt;/&lt;kind&gt;/&lt;name&gt;</c>.</summary>
    public string ResourceDirectory(string kind, string name) => Path.Combine(DataDirectory, kind, name);

    /// <summary>Creates (if needed) a private directory owned by the server's account; its parents
    /// stay traversable so that account can reach it.</summary>
    public static string CreatePrivateDirectory(string path, UnixUser? owner)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (owner is not null && Environment.IsPrivilegedProcess)
        {
            Libc.Chown(path, owner);
        }

        return path;
    }

    public ChildProcess Launch(string resourceName, ProcessSpec spec) =>
        ChildProcess.Start(spec, line => Console.Line(resourceName, line));

    public Task<int> RunToEndAsync(string resourceName, ProcessSpec spec, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync(spec, line => Console.Line(resourceName, line), cancellationToken);

    /// <summary>Removes the throwaway data directory; persistent data is never touched.</summary>
    public void DeleteEphemeralData()
    {
        if (Ephemeral && dataDirectory.IsValueCreated && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private string CreateDataDirectory()
    {
        if (Ephemeral)
        {
            var temp = Directory.CreateTempSubdirectory("platform-");
            // Servers run as their own accounts and must reach their folders below this one.
            temp.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return temp.FullName;
        }

        var path = Path.GetFullPath(Configuration["DataDirectory"] ?? Path.Combine(RepositoryRoot, ".data"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "aspire.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No aspire.sln above {AppContext.BaseDirectory}: run the AppHost from its build output in the repository.");
    }
}
