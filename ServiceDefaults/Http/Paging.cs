using System.ComponentModel;

namespace Platform.ServiceDefaults.Http;

/// <summary><c>?page=1&amp;pageSize=50</c>; a pageSize above <see cref="MaxPageSize"/> is a 400.</summary>
public sealed record PageRequest(
    [property: Description("1-based page number")] int Page = 1,
    [property: Description("Items per page, at most 200")] int PageSize = 50) : IValidatableRequest
{
    public const int MaxPageSize = 200;

    public int Skip => (Page - 1) * PageSize;

    /// <summary>The page must start at an offset the database can skip to (a 32-bit count of rows).</summary>
    public FieldProblem? Validate() =>
        Page < 1 ? new("page", "page must be 1 or more.")
        : PageSize is < 1 or > MaxPageSize ? new("pageSize", $"pageSize must be between 1 and {MaxPageSize}.")
        : (long)(Page - 1) * PageSize > int.MaxValue ? new("page", $"page must be at most {int.MaxValue / PageSize + 1} with pageSize {PageSize}.")
        : null;
}

public sealed record PagedResult<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize);
