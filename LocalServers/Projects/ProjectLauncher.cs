namespace Platform.LocalServers;

/// <summary>
/// Makes the orchestrator run each built project's own executable rather than <c>dotnet run</c>, which evaluates the
/// project (CPU at every start of every service) and stays alive beside the service, holding as much
/// memory again (bench/RESULTS.md). It puts a <c>dotnet</c> script first on the PATH the orchestrator inherits; the
/// script recognises exactly the orchestrator's <c>dotnet run --project ... --no-build</c> and passes anything else on.
/// </summary>
public static class ProjectLauncher
{
    public static void RunBuildOutputDirectly()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "ProjectLauncher");
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.StartsWith(folder + ":", StringComparison.Ordinal))
        {
            Environment.SetEnvironmentVariable("PATH", $"{folder}:{path}");
        }
    }
}
