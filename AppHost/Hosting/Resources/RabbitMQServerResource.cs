using System.Security.Cryptography;
using Platform.Hosting.Probes;
using Platform.Hosting.Processes;

namespace Platform.Hosting;

/// <summary>
/// A RabbitMQ 3.10 node of its own: private node name, Erlang cookie and epmd port, so it neither
/// meets another node on the machine nor leaves its epmd behind.
/// </summary>
public sealed class RabbitMQServerResource : ServerResource
{
    private const string Scripts = "/usr/lib/rabbitmq/bin";
    private readonly Lazy<UnixUser> account = new(() => UnixUser.Find("rabbitmq"));
    private readonly Lazy<int> epmdPort = new(FreePort.Next);
    private readonly Lazy<int> distributionPort = new(FreePort.Next);
    private readonly string nodeName;

    internal RabbitMQServerResource(string name, int? port, HostingContext context)
        : base(name, port ?? 5672, context)
    {
        // Mnesia data lives under the node name: keep it stable where the data persists.
        nodeName = context.Ephemeral ? $"{name}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}@localhost" : $"{name}@localhost";
    }

    public override string Type => "RabbitMQ";

    private protected override string LocalConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}";

    private protected override TimeSpan StopGrace => TimeSpan.FromSeconds(20);

    private string Folder => Context.ResourceDirectory("rabbitmq", Name);

    /// <summary>
    /// Adds a virtual host (idempotent), grants guest full rights on it and returns its connection
    /// string. Test fixtures isolate each test class this way.
    /// </summary>
    public async Task<string> CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        if (IsExternal)
        {
            throw new InvalidOperationException($"'{Name}' is an external broker; only a broker this AppHost runs can add virtual hosts.");
        }

        await WaitUntilReadyAsync(cancellationToken);
        await ControlAsync(["add_vhost", name], cancellationToken);
        await ControlAsync(["set_permissions", "-p", name, "guest", ".*", ".*", ".*"], cancellationToken);
        return $"{ConnectionString}/{Uri.EscapeDataString(name)}";
    }

    private protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        HostingContext.CreatePrivateDirectory(Folder, account.Value);

        // The node's HOME: the Erlang cookie rabbitmqctl needs, and no plugins (management would
        // claim port 15672 for every instance).
        await WriteOwnedFileAsync(".erlang.cookie", Context.Passwords.Get($"rabbitmq-cookie:{Name}"), UnixFileMode.UserRead, cancellationToken);
        await WriteOwnedFileAsync("enabled_plugins", "[].", UnixFileMode.UserRead | UnixFileMode.UserWrite, cancellationToken);
    }

    private protected override ProcessSpec CreateProcessSpec()
    {
        var erlangArgs = "+sbwt none +sbwtdcpu none +sbwtdio none -kernel inet_dist_use_interface {127,0,0,1}";
        return new ProcessSpec(Path.Combine(Scripts, "rabbitmq-server"), [])
        {
            User = account.Value,
            WorkingDirectory = Folder,
            Environment = new Dictionary<string, string?>(NodeEnvironment())
            {
                ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
                ["RABBITMQ_NODE_PORT"] = Port.ToString(),
                ["RABBITMQ_DIST_PORT"] = distributionPort.Value.ToString(),
                ["RABBITMQ_MNESIA_BASE"] = Path.Combine(Folder, "mnesia"),
                ["RABBITMQ_LOG_BASE"] = Path.Combine(Folder, "log"),
                ["RABBITMQ_PID_FILE"] = Path.Combine(Folder, "rabbitmq.pid"),
                ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(Folder, "enabled_plugins"),
                // Few schedulers that do not busy-wait: tests share two cores with everything else.
                ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = Context.Ephemeral ? $"+S 1:1 {erlangArgs}" : erlangArgs,
            },
        };
    }

    private protected override Task<bool> ProbeAsync(CancellationToken cancellationToken) =>
        AmqpProbe.HandshakeAsync(Port, cancellationToken);

    /// <summary>The node started epmd as a daemon outside its tree; stop it too.</summary>
    private protected override async Task OnStoppedAsync()
    {
        var epmd = new ProcessSpec("epmd", ["-port", epmdPort.Value.ToString(), "-kill"]);
        await Context.RunToEndAsync(Name, epmd, CancellationToken.None);
    }

    private Dictionary<string, string?> NodeEnvironment() => new()
    {
        ["HOME"] = Folder,
        ["RABBITMQ_NODENAME"] = nodeName,
        ["ERL_EPMD_PORT"] = epmdPort.Value.ToString(),
        // epmd listens on every interface unless told otherwise; our servers bind to loopback only.
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
    };

    private async Task ControlAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec(Path.Combine(Scripts, "rabbitmqctl"), ["-n", nodeName, .. args])
        {
            User = account.Value,
            WorkingDirectory = Folder,
            Environment = NodeEnvironment(),
        };
        var code = await Context.RunToEndAsync(Name, spec, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {args[0]} exited with code {code} (see its output above).");
        }
    }

    private async Task WriteOwnedFileAsync(string fileName, string content, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Folder, fileName);
        File.Delete(path); // the cookie is read-only, even for its owner
        await File.WriteAllTextAsync(path, content, cancellationToken);
        File.SetUnixFileMode(path, mode);
        if (Environment.IsPrivilegedProcess)
        {
            Libc.Chown(path, account.Value);
        }
    }
}
