using System.Text.RegularExpressions;

namespace Pool.Api.Relay;

/// <summary>
/// One name per model in usage figures, whatever route it came by: <c>us.anthropic.claude-3-5-sonnet-20241022-v2:0</c>
/// (Bedrock) and <c>claude-3-5-sonnet@20241022</c> (Vertex) both count as <c>claude-3-5-sonnet-20241022</c>.
/// </summary>
public static partial class ModelNames
{
    public const string Unknown = "unknown";

    public static string Normalize(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return Unknown;
        }
        var name = model.Trim().ToLowerInvariant();
        // Bedrock: an optional region prefix, then the vendor, then the model and a version suffix.
        if (name.IndexOf("anthropic.", StringComparison.Ordinal) is var vendor and >= 0)
        {
            name = name[(vendor + "anthropic.".Length)..];
        }
        name = BedrockVersion().Replace(name, "");
        name = name.Replace('@', '-');
        return name.Length is > 0 and <= 100 ? name : name.Length == 0 ? Unknown : name[..100];
    }

    [GeneratedRegex(@"-v\d+(:\d+)?$")]
    private static partial Regex BedrockVersion();
}
