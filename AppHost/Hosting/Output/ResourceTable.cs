using System.Text;

namespace Platform.Hosting.Output;

internal static class ResourceTable
{
    /// <summary>Resource, type, state and endpoint (passwords hidden), one row per resource.</summary>
    public static string Format(IEnumerable<Resource> resources)
    {
        string[][] rows =
        [
            ["RESOURCE", "TYPE", "STATE", "ENDPOINT"],
            .. resources.Select(r => new[] { r.Name, r.Type, r.StateText, r.Endpoint ?? "" }),
        ];
        var widths = Enumerable.Range(0, 3).Select(c => rows.Max(row => row[c].Length) + 2).ToArray();
        var text = new StringBuilder().AppendLine();
        foreach (var row in rows)
        {
            text.AppendLine($"  {row[0].PadRight(widths[0])}{row[1].PadRight(widths[1])}{row[2].PadRight(widths[2])}{row[3]}".TrimEnd());
        }

        return text.AppendLine().ToString();
    }
}
