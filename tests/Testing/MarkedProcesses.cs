namespace Platform.Testing;

/// <summary>
/// The processes that carry a marker in their environment. Whatever an AppHost starts (the orchestrator, which detaches,
/// and everything it runs) inherits the AppHost's environment, so a marker set there finds them all, however they were
/// started or re-parented.
/// </summary>
public static class MarkedProcesses
{
    public const string Variable = "PLATFORM_TEST_MARKER";

    public static IReadOnlyList<MarkedProcess> Find(string marker)
    {
        var wanted = $"{Variable}={marker}";
        List<MarkedProcess> found = [];
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var environment = File.ReadAllText(Path.Combine(folder, "environ")).Split('\0');
                if (environment.Contains(wanted))
                {
                    found.Add(new MarkedProcess(pid,
                        File.ReadAllText(Path.Combine(folder, "comm")).Trim(),
                        File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ').Trim(),
                        environment));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile, or not ours to read.
            }
        }
        return found;
    }
}

public sealed record MarkedProcess(int Pid, string Name, string CommandLine, IReadOnlyList<string> Environment)
{
    public bool IsAlive => File.Exists($"/proc/{Pid}/environ") && !File.ReadAllText($"/proc/{Pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}
