using System.Runtime.InteropServices;
using Platform.Hosting.Processes;

namespace Platform.Testing;

/// <summary>
/// Every process this test process started, directly or not. The test process becomes a child
/// subreaper, so daemons that detach (epmd) are re-parented to it and stay countable.
/// </summary>
public static partial class Descendants
{
    private const int PrSetChildSubreaper = 36;

    public static void AdoptOrphans()
    {
        if (prctl(PrSetChildSubreaper, 1, 0, 0, 0) != 0)
        {
            throw new InvalidOperationException($"prctl failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>The descendants alive now (this process excluded).</summary>
    public static IReadOnlyList<ProcessId> Alive() =>
        [.. ProcessTree.Of(ProcessTree.Find(Environment.ProcessId)!.Value).Skip(1)];

    public static string Name(ProcessId process) => Read(process, "comm").Trim();

    public static string CommandLine(ProcessId process) => Read(process, "cmdline").Replace('\0', ' ');

    private static string Read(ProcessId process, string file)
    {
        try
        {
            return File.ReadAllText($"/proc/{process.Pid}/{file}");
        }
        catch (IOException)
        {
            return "(exited)";
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
