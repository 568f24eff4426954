using System.Runtime.InteropServices;

namespace Platform.Hosting.Processes;

/// <summary>The few libc calls .NET has no managed API for.</summary>
internal static class Libc
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    // Process.Kill only sends SIGKILL; servers need SIGINT/SIGTERM for a clean shutdown.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    [DllImport("libc", EntryPoint = "chown", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int SysChown(string path, int uid, int gid);

    /// <summary>Sends a signal; false when the process no longer exists.</summary>
    public static bool Kill(int pid, int signal) => SysKill(pid, signal) == 0;

    public static void Chown(string path, UnixUser user)
    {
        if (SysChown(path, user.Uid, user.Gid) != 0)
        {
            throw new IOException($"chown {user.Name} {path} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }
}
