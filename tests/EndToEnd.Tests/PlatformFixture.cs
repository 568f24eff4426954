using System.Net;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace EndToEnd.Tests;

/// <summary>
/// The real AppHost (servers, four services, gateway, dashboard) started in-process by Aspire's testing builder, once
/// for the tests that share it: free ports everywhere and throwaway data, so it runs beside a running <c>./run.sh</c>.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public static readonly string[] Services = ["identity", "users", "pool", "promo"];

    private readonly string _data = Path.Combine(Path.GetTempPath(), $"platform-e2e-{Guid.NewGuid():N}");

    public RunningPlatform AppHost { get; private set; } = null!;

    /// <summary>The relay's upstream (a stand-in for the Messages API), handed to pool as <c>Relay__UpstreamBaseUrl</c>.</summary>
    public LlmStandIn Llm { get; private set; } = null!;

    /// <summary>Marks every process this platform runs (<see cref="MarkedProcesses"/>).</summary>
    public string Marker { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The dashboard's address (the testing builder moves it to a free port).</summary>
    public Uri Dashboard { get; private set; } = null!;

    /// <summary>The key of the dashboard's telemetry API (header <c>x-api-key</c>).</summary>
    public string DashboardApiKey { get; } = Guid.NewGuid().ToString("N");

    public async Task InitializeAsync()
    {
        Llm = await LlmStandIn.StartAsync();
        Environment.SetEnvironmentVariable(MarkedProcesses.Variable, Marker);
        string[] args =
        [
            $"--DataDirectory={_data}", "--ThrowawayData=true",
            .. new[] { "gateway", "postgres", "cache", "messaging" }.Concat(Services).Concat(Services.Select(s => $"{s}-h2c")).Select(name => $"--Ports:{name}=0"),
            $"--ASPNETCORE_URLS=http://127.0.0.1:{FreePort.Next()}",
            $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{FreePort.Next()}",
            $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{FreePort.Next()}",
            "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
            $"--AppHost:DashboardApiKey={DashboardApiKey}",
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(args, (options, _) => options.DisableDashboard = false);
        var pool = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "pool");
        builder.CreateResourceBuilder(pool).WithEnvironment("Relay__UpstreamBaseUrl", Llm.BaseAddress.ToString());
        // Every test signs its people in from 127.0.0.1, more than the ten codes an hour one address may ask for; the
        // per-address limit has its own tests in Identity.Tests.
        var identity = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "identity");
        builder.CreateResourceBuilder(identity).WithEnvironment("Identity__Limits__SendsPerIpPerHour", "1000");
        var app = await builder.BuildAsync();
        await app.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
        await app.ResourceNotifications.WaitForResourceAsync("aspire-dashboard", KnownResourceStates.Running, timeout.Token);
        AppHost = new RunningPlatform(app);
        Dashboard = app.GetEndpoint("aspire-dashboard", "http");
    }

    public async Task DisposeAsync()
    {
        await AppHost.DisposeAsync();
        await Llm.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A server still writing its last files; the folder is under /tmp.
        }
    }

    private readonly SemaphoreSlim _adminLock = new(1, 1);
    private string? _adminToken;

    /// <summary>The development administrator's token, signed in once (a second code within 60 s would be refused).</summary>
    public async Task<string> AdminTokenAsync()
    {
        await _adminLock.WaitAsync();
        try
        {
            return _adminToken ??= await SignInAsync(AppHost.Gateway, "admin@example.test");
        }
        finally
        {
            _adminLock.Release();
        }
    }

    /// <summary>Signs in through the gateway with a code read back from the development outbox.</summary>
    public static async Task<string> SignInAsync(HttpClient gateway, string email)
    {
        using (var sent = await gateway.PostAsync("/api/identity/codes", Json(new { channel = "email", target = email })))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        using var outbox = JsonDocument.Parse(await gateway.GetStringAsync($"/api/identity/dev/outbox?target={Uri.EscapeDataString(email)}"));
        var code = outbox.RootElement[0].GetProperty("code").GetString();
        using var signIn = await gateway.PostAsync("/api/identity/sign-in", Json(new { channel = "email", target = email, code }));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        using var session = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync());
        return session.RootElement.GetProperty("accessToken").GetString()!;
    }

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}

/// <summary>A started platform: its gateway client and where each project listens.</summary>
public sealed class RunningPlatform(DistributedApplication app) : IAsyncDisposable
{
    public DistributedApplication App { get; } = app;

    public HttpClient Gateway { get; } = new() { BaseAddress = app.GetEndpoint("gateway", "http"), Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The HTTP port of a project (services and gateway).</summary>
    public IReadOnlyDictionary<string, int> Ports { get; } =
        PlatformFixture.Services.Append("gateway").ToDictionary(name => name, name => app.GetEndpoint(name, "http").Port);

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
