namespace Platform.Hosting.Secrets;

internal static class PrivateFile
{
    /// <summary>Opens a file for writing, created readable by its owner only: it holds a secret.</summary>
    public static FileStream Create(string path, FileMode mode) => new(path, new FileStreamOptions
    {
        Mode = mode,
        Access = FileAccess.Write,
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
    });
}
