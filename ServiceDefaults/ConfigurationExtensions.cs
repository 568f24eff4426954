namespace Microsoft.Extensions.Configuration;

public static class ConfigurationExtensions
{
    /// <summary>Reads a value that must be present, naming the missing key when it is not.</summary>
    public static string GetRequiredValue(this IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Configuration value '{key}' is missing.");

    /// <summary>Reads <c>ConnectionStrings:{name}</c> (env <c>ConnectionStrings__{name}</c>) as Aspire's client integrations do.</summary>
    public static string GetRequiredConnectionString(this IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Connection string '{name}' is missing: set ConnectionStrings__{name} (the AppHost does this).");
}
