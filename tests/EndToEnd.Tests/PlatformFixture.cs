using System.Net;
using System.Text.Json;

namespace EndToEnd.Tests;

/// <summary>The whole topology (servers, four services, gateway) started once for the tests that share it.</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public AppHostProcess AppHost { get; private set; } = null!;

    /// <summary>The relay's upstream (a stand-in for the Messages API), handed to pool as <c>Relay__UpstreamBaseUrl</c>.</summary>
    public LlmStandIn Llm { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Llm = await LlmStandIn.StartAsync();
        AppHost = AppHostProcess.Start(new Dictionary<string, string> { ["Relay__UpstreamBaseUrl"] = Llm.BaseAddress.ToString() });
        await AppHost.WaitUntilHealthyAsync(TimeSpan.FromSeconds(180));
    }

    public async Task DisposeAsync()
    {
        await AppHost.DisposeAsync();
        await Llm.DisposeAsync();
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
