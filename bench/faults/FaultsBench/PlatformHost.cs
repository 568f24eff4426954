using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.LocalServers;
using Platform.Testing;

namespace Bench.Faults;

/// <summary>
/// The real AppHost started in-process by Aspire's testing builder with two instances of every service, as
/// <c>./run.sh --replicas 2</c> runs it (free ports, throwaway data, no dashboard). Faults go through the orchestrator
/// (stop, start) or straight to the processes (SIGKILL, SIGSTOP/SIGCONT).
/// </summary>
public sealed class PlatformHost(DistributedApplication app, Uri gateway, string adminConnectionString) : IAsyncDisposable
{
    public static readonly string[] Services = ["identity", "users", "pool", "promo"];
    public static readonly string[] Databases = ["identitydb", "usersdb", "pooldb", "promodb"];
    public const string PaymentSecret = "faults-bench-payment-secret-of-32-bytes-or-more";

    public Uri Gateway { get; } = gateway;

    /// <summary>Every process resource: servers, service instances and the gateway.</summary>
    public IReadOnlyList<string> Resources { get; } =
        [.. app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Where(r => r is ExecutableResource or ProjectResource).Select(r => r.Name).Order()];

    public static async Task<PlatformHost> StartAsync(string dataDirectory, Uri llm)
    {
        string[] args =
        [
            $"--DataDirectory={dataDirectory}", "--ThrowawayData=true", "--Replicas=2",
            $"--Ports:gateway={FreePort.Next()}",
            .. new[] { "postgres", "cache", "messaging" }.Concat(Services).Concat(Services.Select(s => $"{s}-h2c")).Select(name => $"--Ports:{name}=0"),
            "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args);
        // The faults make health checks fail by design; the report says what clients saw.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("AppHost.Resources", LogLevel.Critical));
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            var resource = builder.CreateResourceBuilder(project);
            switch (project.Name.Split('-')[0])
            {
                case "pool":
                    resource.WithEnvironment("Relay__UpstreamBaseUrl", llm.ToString());
                    break;
                case "identity":
                    // Every sign-in of the load comes from 127.0.0.1; the per-address limits have their own tests.
                    resource.WithEnvironment("Identity__Limits__SendsPerIpPerHour", "100000");
                    break;
                case "promo":
                    // The bench is the payment provider: it signs callbacks with a secret it knows.
                    resource.WithEnvironment("Promo__PaymentSecret", PaymentSecret);
                    break;
                case "gateway":
                    // One client address and a few credentials make all the load.
                    foreach (var limit in new[] { "PerIpPerSecond", "PerIpBurst", "PerCredentialPerSecond", "PerCredentialBurst" })
                    {
                        resource.WithEnvironment($"RateLimits__{limit}", "10000000");
                    }
                    break;
            }
        }
        var app = await builder.BuildAsync();
        await app.StartAsync();
        // Ten minutes: on a machine shared with test runs, eight services and the servers start slowly.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
        var gateway = app.GetEndpoint("gateway", "http");
        await WaitUntilAllHealthyAsync(gateway);
        var postgres = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<LocalPostgresResource>().Single();
        return new PlatformHost(app, gateway, postgres.AdminConnectionString);
    }

    /// <summary>Until the gateway's health names every instance of every service healthy (at most five minutes).</summary>
    private static async Task WaitUntilAllHealthyAsync(Uri gateway)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(20) };
        var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                using var health = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/health"));
                if (health.RootElement.GetProperty("status").GetString() == "Healthy") return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                // Not answering yet.
            }
            await Task.Delay(TimeSpan.FromSeconds(1)); // polling the gateway's health
        }
    }

    /// <summary>The superuser's connection to one service database (over the server's Unix socket).</summary>
    public NpgsqlConnection Database(string name) =>
        new(new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = false }.ConnectionString);

    public int ProcessId(string resource) =>
        app.ResourceNotifications.TryGetCurrentState(resource, out var state)
        && state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{resource} has no process.");

    /// <summary>SIGKILL to the resource's process and everything it started, as a crash; waits until the orchestrator sees it gone.</summary>
    public async Task KillAsync(string resource)
    {
        Signal(ProcessTree(ProcessId(resource)), Sigkill);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await WaitUntilDownAsync(resource, timeout.Token);
    }

    /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) the resource's process tree: it keeps its sockets but answers nothing.</summary>
    public void Freeze(string resource, bool frozen) => Signal(ProcessTree(ProcessId(resource)), frozen ? Sigstop : Sigcont);

    /// <summary>
    /// PostgreSQL's fast shutdown (SIGINT to the postmaster, as <c>pg_ctl stop -m fast</c>): the orchestrator's SIGTERM
    /// is PostgreSQL's smart shutdown, which waits for every pooled connection to close and so never ends under load.
    /// </summary>
    public async Task FastShutdownAsync(string resource)
    {
        Signal([.. ProcessTree(ProcessId(resource)).Where(pid => File.ReadAllText($"/proc/{pid}/comm").Trim() == "postgres").Take(1)], "INT");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await WaitUntilDownAsync(resource, timeout.Token);
    }

    /// <summary>Stops the resource as the orchestrator does (SIGTERM) and waits until it has exited.</summary>
    public async Task StopAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, timeout.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{resource} did not stop: {result.Message}");
        }
        await WaitUntilDownAsync(resource, timeout.Token);
    }

    /// <summary>Starts the resource again (same ports, same settings) and waits until its health check passes.</summary>
    public async Task StartAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, timeout.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{resource} did not start: {result.Message}");
        }
        await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
    }

    private Task WaitUntilDownAsync(string resource, CancellationToken cancellationToken) =>
        app.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.State?.Text != KnownResourceStates.Running && e.Snapshot.State?.Text != KnownResourceStates.Starting
                 && e.Snapshot.State?.Text != KnownResourceStates.Stopping,
            cancellationToken);

    /// <summary>A process and all its descendants (servers run under a wrapper that starts the real binary).</summary>
    public static IReadOnlyList<int> ProcessTree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Exited meanwhile.
            }
        }
        List<int> tree = [root];
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }
        return tree;
    }

    private const string Sigkill = "KILL";
    private const string Sigcont = "CONT";
    private const string Sigstop = "STOP";

    private static void Signal(IReadOnlyList<int> pids, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", .. pids.Select(p => p.ToString(CultureInfo.InvariantCulture))]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }
}
