namespace Platform.Hosting.Processes;

/// <summary>A process identified by pid and start time, so a recycled pid is never mistaken for it.</summary>
public readonly record struct ProcessId(int Pid, ulong StartTime);

/// <summary>Reads the process table from /proc.</summary>
public static class ProcessTree
{
    /// <summary>The running process with this pid, if any.</summary>
    public static ProcessId? Find(int pid) => Read(pid)?.Id;

    /// <summary>The process and all its descendants alive now.</summary>
    public static IReadOnlyList<ProcessId> Of(ProcessId root)
    {
        var all = Snapshot();
        var result = new List<ProcessId>();
        if (!all.TryGetValue(root.Pid, out var entry) || entry.Id != root)
        {
            return result;
        }

        result.Add(root);
        var children = all.Values.ToLookup(p => p.ParentPid);
        for (var i = 0; i < result.Count; i++)
        {
            result.AddRange(children[result[i].Pid].Select(c => c.Id));
        }

        return result;
    }

    /// <summary>True while the process runs; a zombie has exited and only awaits its parent.</summary>
    public static bool IsAlive(ProcessId process) =>
        Read(process.Pid) is { } entry && entry.Id.StartTime == process.StartTime && entry.State != 'Z';

    /// <summary>SIGKILLs whatever still runs of the given processes and waits until it is gone.</summary>
    public static async Task KillAsync(IEnumerable<ProcessId> processes)
    {
        var alive = processes.Where(IsAlive).ToList();
        foreach (var process in alive)
        {
            Libc.Kill(process.Pid, Libc.SIGKILL);
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (alive.Exists(IsAlive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    private static Dictionary<int, Entry> Snapshot()
    {
        var entries = new Dictionary<int, Entry>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Read(pid) is { } entry)
            {
                entries[pid] = entry;
            }
        }

        return entries;
    }

    private static Entry? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }

        // "pid (comm) state ppid ... starttime": comm may hold spaces and parentheses.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new Entry(new ProcessId(pid, ulong.Parse(fields[19])), int.Parse(fields[1]), fields[0][0]);
    }

    private sealed record Entry(ProcessId Id, int ParentPid, char State);
}
