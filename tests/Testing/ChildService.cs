using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// One of our services as its own process (the build output beside the test project's), so a test can really kill
/// it (SIGKILL: no graceful stop, no hand-back of its work). Settings become environment variables.
/// </summary>
public sealed class ChildService : IDisposable
{
    private readonly Process _process;

    private ChildService(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <param name="project">The service's project directory from the repository root (<c>services/users/Users.Api</c>).</param>
    public static ChildService Start(string project, IReadOnlyDictionary<string, string?> settings)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "aspire.sln"))) root = Path.GetDirectoryName(root.TrimEnd('/'))!;
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var output = Path.Combine(root, project, "bin", configuration, "net10.0");
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(output, Path.GetFileName(project) + ".dll")])
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in settings)
        {
            if (value is not null) start.Environment[key.Replace(":", "__")] = value;
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildService(process, address);
    }

    public async Task WaitUntilAliveAsync()
    {
        using var http = new HttpClient { BaseAddress = Address };
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            Assert.False(_process.HasExited, "the service process exited");
            try
            {
                using var response = await http.GetAsync("/alive");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60)), "the service process did not come up");
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
