using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace EndToEnd.Tests;

/// <summary>
/// The real AppHost executable, as <c>./run.sh</c> starts it, on free ports and a fresh data directory so that it
/// never meets a running <c>./run.sh</c>. Its output is kept for failure messages.
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataDirectory;

    private AppHostProcess(Process process, string dataDirectory, int gatewayPort, string marker)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Marker = marker;
        Gateway = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Marks every process this AppHost starts (<see cref="MarkedProcesses"/>).</summary>
    public string Marker { get; }

    public HttpClient Gateway { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static AppHostProcess Start(params string[] extraArgs) => Start(new Dictionary<string, string>(), extraArgs);

    /// <summary>
    /// Starts the AppHost as <c>./run.sh</c> does (Development, dashboard on plain HTTP) with <paramref name="environment"/>
    /// added to its own, which everything it starts inherits; free ports and a fresh data directory.
    /// </summary>
    public static AppHostProcess Start(Dictionary<string, string> environment, params string[] extraArgs)
    {
        var gatewayPort = FreePort.Next();
        var marker = Guid.NewGuid().ToString("N");
        // Left for the AppHost to create, as it does .data: with folders its servers' users can reach.
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"platform-e2e-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["NO_COLOR"] = "1",
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
                [MarkedProcesses.Variable] = marker,
            },
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        info.ArgumentList.Add(AppHostDll());
        info.ArgumentList.Add($"--DataDirectory={dataDirectory}");
        info.ArgumentList.Add($"--Ports:gateway={gatewayPort}");
        foreach (var name in PlatformFixture.Services.Concat(PlatformFixture.Services.Select(s => $"{s}-h2c")).Concat(["postgres", "cache", "messaging"]))
        {
            info.ArgumentList.Add($"--Ports:{name}=0");
        }
        foreach (var arg in extraArgs)
        {
            info.ArgumentList.Add(arg);
        }

        var host = new AppHostProcess(Process.Start(info)!, dataDirectory, gatewayPort, marker);
        host._process.OutputDataReceived += (_, e) => host.Append(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Polls the gateway's aggregated health until it answers 200.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var healthy = await Eventually.TrueAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await Gateway.GetAsync("/health");
                return response.IsSuccessStatusCode;
            }
            // The gateway starts beside the services, so its /health may be asked while they are still starting and,
            // on a busy machine, answer after the client's timeout: not healthy yet.
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, timeout, TimeSpan.FromMilliseconds(250));
        Assert.True(healthy, $"The gateway was not healthy within {timeout}:\n{Output}");
    }

    /// <summary>Sends SIGTERM, as a service manager or <c>kill</c> would, and waits for the AppHost to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await TerminateAsync(TimeSpan.FromSeconds(60));
        }
        _process.Dispose();
        Gateway.Dispose();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string AppHostDll()
    {
        var configuration = typeof(AppHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "aspire.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("aspire.sln not found above the test folder.");
        }
        return Path.Combine(root.FullName, "AppHost", "bin", configuration, "net10.0", "AppHost.dll");
    }
}
