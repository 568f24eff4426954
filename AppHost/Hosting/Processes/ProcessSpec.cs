namespace Platform.Hosting.Processes;

/// <summary>What to run. Environment entries override the inherited ones; a null value removes one.</summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Run as this account when the AppHost is root.</summary>
    public UnixUser? User { get; init; }
}
