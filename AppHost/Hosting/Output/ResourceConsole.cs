namespace Platform.Hosting.Output;

/// <summary>
/// Where resource output goes: each line prefixed with the resource's name, padded, in the
/// resource's colour when writing to a terminal and NO_COLOR is unset.
/// </summary>
internal sealed class ResourceConsole
{
    private const string Reset = "\u001b[0m";
    private static readonly string[] Palette = ["36", "35", "33", "32", "34", "91", "96", "95", "93", "92"];

    private readonly TextWriter writer;
    private readonly bool useColour;
    private readonly Dictionary<string, string> colours = [];
    private int width = "apphost".Length;

    public ResourceConsole(TextWriter? output)
    {
        writer = output ?? Console.Out;
        useColour = output is null && !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
    }

    public void Register(string name)
    {
        lock (writer)
        {
            colours[name] = $"\u001b[{Palette[colours.Count % Palette.Length]}m";
            width = Math.Max(width, name.Length);
        }
    }

    public void Line(string source, string text)
    {
        lock (writer)
        {
            var prefix = $"{source.PadRight(width)} |";
            writer.WriteLine(useColour && colours.TryGetValue(source, out var colour)
                ? $"{colour}{prefix}{Reset} {text}"
                : $"{prefix} {text}");
        }
    }

    /// <summary>A line from the AppHost itself.</summary>
    public void Info(string text) => Line("apphost", text);

    /// <summary>A block such as the resource table, unprefixed.</summary>
    public void Block(string text)
    {
        lock (writer)
        {
            writer.Write(text);
            writer.Flush();
        }
    }
}
