namespace Platform.LocalServers;

internal static class Binaries
{
    /// <summary>A binary of the newest PostgreSQL the Debian packages installed.</summary>
    public static string Postgres(string name) =>
        (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .OrderByDescending(dir => int.TryParse(Path.GetFileName(dir), out var version) ? version : 0)
            .Select(dir => Path.Combine(dir, "bin", name))
            .FirstOrDefault(File.Exists)
        ?? name;

    /// <summary>RabbitMQ's own scripts (Debian's /usr/sbin wrappers switch users themselves).</summary>
    public static string RabbitMQ(string name) => Path.Combine("/usr/lib/rabbitmq/bin", name);

    public static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, name)));
}
