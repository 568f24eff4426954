using System.ComponentModel.DataAnnotations;

namespace Users.Api.BulkStatus;

/// <summary>The <c>BulkStatus</c> section: bulk disable and enable of users.</summary>
public sealed class BulkStatusOptions
{
    public const string Section = "BulkStatus";

    /// <summary>Most users one job may name (a list, or what a filter matches); more is a 400.</summary>
    [Range(1, 100_000)]
    public int MaxUsers { get; set; } = 10_000;

    /// <summary>Users changed per transaction; the job's counts move on after each.</summary>
    [Range(1, 1_000)]
    public int BatchSize { get; set; } = 100;
}
