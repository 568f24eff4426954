using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.ServiceDefaults.Http;

/// <summary>400 ValidationProblem naming the offending field (its <c>errors</c> are keyed by field).</summary>
public static class Invalid
{
    /// <summary>The problem's <c>code</c> is <c>invalid_</c> and the field, unless another is given.</summary>
    public static ValidationProblem Field(string field, string message, string? code = null) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] },
            detail: $"{field}: {message}", extensions: new Dictionary<string, object?> { ["code"] = code ?? "invalid_" + field });
}
