namespace Platform.Hosting;

public sealed class DistributedApplicationOptions
{
    /// <summary>Command-line arguments: <c>--no-redis</c>, <c>--data-dir DIR</c>, <c>--Ports:gateway=6080</c>, ...</summary>
    public string[] Args { get; init; } = [];

    /// <summary>
    /// Throwaway servers for tests: free ports everywhere, data in a temp folder deleted on dispose,
    /// random passwords, and servers tuned for speed over durability.
    /// </summary>
    public bool Ephemeral { get; init; }

    /// <summary>Where resource output and tables go; the console when null.</summary>
    public TextWriter? Output { get; init; }
}
