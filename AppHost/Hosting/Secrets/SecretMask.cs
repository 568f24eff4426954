using System.Text.RegularExpressions;

namespace Platform.Hosting.Secrets;

internal static partial class SecretMask
{
    /// <summary>The connection string with its password replaced by ***, for display.</summary>
    public static string Hide(string connectionString) =>
        UriPassword().Replace(KeyValuePassword().Replace(connectionString, "$1***"), "$1***$2");

    [GeneratedRegex("(?i)(password=)[^;,]*")]
    private static partial Regex KeyValuePassword();

    [GeneratedRegex("(://[^:/@]+:)[^@]*(@)")]
    private static partial Regex UriPassword();
}
