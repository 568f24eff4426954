using Microsoft.Extensions.Configuration;
using Platform.Hosting.Probes;
using Platform.Hosting.Processes;
using Platform.Hosting.Secrets;

namespace Platform.Hosting;

/// <summary>
/// A Redis 7 server, optional: with <c>--no-redis</c> (config <c>NoRedis</c>) or without redis-server
/// on the machine it is Disabled, and dependants get no connection string.
/// </summary>
public sealed class RedisResource : ServerResource
{
    internal RedisResource(string name, int? port, HostingContext context)
        : base(name, port ?? 6379, context)
    {
    }

    public override string Type => "Redis";

    private protected override string LocalConnectionString => $"127.0.0.1:{Port},password={Password}";

    private protected override string? DisabledReason =>
        Context.Configuration.GetValue<bool>("NoRedis") ? "--no-redis given; services use the in-memory cache"
        : PathLookup.Find("redis-server") is null ? "redis-server is not installed; services use the in-memory cache"
        : null;

    private string Password => Context.Passwords.Get($"redis:{Name}");

    private string Folder => Context.ResourceDirectory("redis", Name);

    private string ConfigFile => Path.Combine(Folder, "redis.conf");

    private protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        HostingContext.CreatePrivateDirectory(Folder, owner: null);

        // A config file rather than arguments keeps the password out of the process list.
        var persistence = Context.Ephemeral ? "save \"\"\nappendonly no" : "appendonly no"; // default RDB snapshots
        await using var file = new StreamWriter(PrivateFile.Create(ConfigFile, FileMode.Create));
        await file.WriteAsync($"""
            port {Port}
            bind 127.0.0.1
            requirepass "{Password}"
            daemonize no
            dir "{Folder}"
            {persistence}

            """);
    }

    private protected override ProcessSpec CreateProcessSpec() => new("redis-server", [ConfigFile]);

    private protected override Task<bool> ProbeAsync(CancellationToken cancellationToken) =>
        RedisProbe.PingAsync(Port, Password, cancellationToken);
}
