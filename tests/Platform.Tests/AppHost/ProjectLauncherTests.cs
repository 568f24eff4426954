using System.Diagnostics;

namespace Platform.Tests.AppHost;

/// <summary>The <c>dotnet</c> the orchestrator finds first: build output for its own command, the real dotnet otherwise.</summary>
public sealed class ProjectLauncherTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"launcher-{Guid.NewGuid():N}");

    private static string Launcher => Path.Combine(AppContext.BaseDirectory, "ProjectLauncher", "dotnet");

    [Fact]
    public async Task The_orchestrators_run_of_a_built_project_executes_its_build_output_in_place_of_dotnet_run()
    {
        var project = Path.Combine(_folder, "Fake.Api", "Fake.Api.csproj");
        var output = Path.Combine(_folder, "Fake.Api", "bin", "Release", "net10.0");
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(project, "<Project />");
        var app = Path.Combine(output, "Fake.Api");
        await File.WriteAllTextAsync(app, "#!/bin/sh\necho \"built output, pid $$\"\n");
        File.SetUnixFileMode(app, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (code, text) = await RunAsync("run", "--project", project, "--no-build", "--configuration", "Release", "--no-launch-profile");

        Assert.Equal(0, code);
        Assert.StartsWith("built output, pid ", text);
    }

    [Fact]
    public async Task Any_other_command_goes_to_the_real_dotnet()
    {
        var (code, text) = await RunAsync("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", text);
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Launcher, args) { RedirectStandardOutput = true };
        info.Environment["PATH"] = $"{Path.GetDirectoryName(Launcher)}:{Environment.GetEnvironmentVariable("PATH")}";
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output.Trim());
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
