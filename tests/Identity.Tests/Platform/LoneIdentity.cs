extern alias identity;

using System.Security.Cryptography;

namespace Identity.Tests;

/// <summary>
/// identity alone, in memory (no gateway, no socket), on the platform's real servers: for settings and
/// environments the shared stacks do not have. Called directly, so anonymous routes only.
/// </summary>
public sealed class LoneIdentity : IAsyncDisposable
{
    private readonly ServiceApp<identity::Program> _app;

    private LoneIdentity(ServiceApp<identity::Program> app, ShiftedClock clock)
    {
        _app = app;
        Clock = clock;
    }

    public ShiftedClock Clock { get; }

    /// <summary>
    /// Starts identity in <paramref name="environment"/> with <paramref name="settings"/> over the defaults. Hosts
    /// given the same database and secret key share codes and users, as two instances of one deployment do.
    /// </summary>
    public static async Task<LoneIdentity> StartAsync(ServersFixture servers, string environment, Dictionary<string, string?> settings,
        string? database = null, string? secretKey = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Service:Name"] = "identity",
            ["ConnectionStrings:identitydb"] = database ?? await servers.CreateDatabaseAsync("identity"),
            ["ConnectionStrings:messaging"] = await servers.CreateVirtualHostAsync("identity"),
            ["Cache:Provider"] = "memory",
            ["Sessions:Store"] = "postgres",
            ["InternalAuth:PublicKey"] = new InternalTokens().PublicKey,
            ["Identity:SecretKey"] = secretKey ?? NewSecretKey(),
            ["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Identity:AllowedOrigins:0"] = IdentityApi.ConsoleOrigin,
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        var clock = new ShiftedClock();
        var app = new ServiceApp<identity::Program>(all, clock, new CapturedLogs(), environment);
        // Starts the host: migrations run before it answers.
        await Task.Run(() => app.Services);
        return new LoneIdentity(app, clock);
    }

    public static string NewSecretKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A client without a cookie jar, so each response's Set-Cookie can be read as sent.</summary>
    public HttpClient Client() => _app.CreateDefaultClient();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
