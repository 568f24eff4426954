using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.ServiceDefaults.Http;

/// <summary>400 ValidationProblem naming the offending field (its <c>errors</c> are keyed by field).</summary>
public static class Invalid
{
    public static ValidationProblem Field(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] },
            detail: $"{field}: {message}", extensions: new Dictionary<string, object?> { ["code"] = "invalid_" + field });
}
