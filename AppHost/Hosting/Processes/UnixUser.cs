namespace Platform.Hosting.Processes;

/// <summary>A local account the servers run as when the AppHost runs as root (PostgreSQL refuses root).</summary>
internal sealed record UnixUser(string Name, int Uid, int Gid)
{
    /// <summary>The account from /etc/passwd; the Debian server packages create them there.</summary>
    public static UnixUser Find(string name)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length > 3 && fields[0] == name)
            {
                return new UnixUser(name, int.Parse(fields[2]), int.Parse(fields[3]));
            }
        }

        throw new InvalidOperationException($"There is no '{name}' user on this machine; is its server package installed?");
    }
}
