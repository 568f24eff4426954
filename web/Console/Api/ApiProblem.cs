using System.Text.Json;

namespace WebConsole.Api;

/// <summary>An API's refusal as it worded it: the ProblemDetails' detail, code and field errors.</summary>
public sealed record ApiProblem(int Status, string? Title, string? Detail, string? Code, IReadOnlyDictionary<string, string[]> Errors)
{
    public static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    /// <summary>The words to show: the API's detail, else its title, else the status.</summary>
    public string Message => Status switch
    {
        0 => Detail ?? "The gateway could not be reached.",
        _ => Detail ?? Title ?? $"The request failed ({Status}).",
    };

    public static ApiProblem Parse(int status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var errors = new Dictionary<string, string[]>();
            if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in e.EnumerateObject())
                {
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? [.. field.Value.EnumerateArray().Select(v => v.ToString())]
                        : [field.Value.ToString()];
                }
            }
            return new(status, Text(root, "title"), Text(root, "detail"), Text(root, "code"), errors);
        }
        catch (JsonException)
        {
            return new(status, null, null, null, NoErrors);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>Thrown by the clients for every answer that is not a success; pages show its <see cref="Problem"/>.</summary>
public sealed class ApiException(ApiProblem problem) : Exception(problem.Message)
{
    public ApiProblem Problem { get; } = problem;
}
