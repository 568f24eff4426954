extern alias identity;

using System.Net;
using System.Security.Cryptography;

namespace Identity.Tests;

/// <summary>
/// The real code senders against stand-in providers: an SMTP server without AUTH, one that requires it, and an
/// SMS provider; and two identity hosts wired to them (see <see cref="WithProviders"/>, <see cref="WithSmtpAuth"/>).
/// </summary>
public sealed class SenderHosts : IAsyncDisposable
{
    public const string From = "no-reply@platform.test";
    public const string FromName = "Platform";
    public const string SmtpUser = "mailer";
    public const string SmtpPassword = "smtp-pässword-1";
    public const string SmsKey = "sms-secret-key-1";
    public const string SmsSender = "Platform";

    public SmtpStandIn Smtp { get; private set; } = null!;
    public SmtpStandIn AuthSmtp { get; private set; } = null!;
    public SmsStandIn Sms { get; private set; } = null!;

    /// <summary>Email over <see cref="Smtp"/> (no AUTH), SMS to <see cref="Sms"/>; the dev outbox is on but unused.</summary>
    public SenderHost WithProviders { get; private set; } = null!;

    /// <summary>Email over <see cref="AuthSmtp"/> with credentials; no SMS provider and no dev outbox.</summary>
    public SenderHost WithSmtpAuth { get; private set; } = null!;

    public static async Task<SenderHosts> StartAsync(ServersFixture servers)
    {
        var hosts = new SenderHosts
        {
            Smtp = SmtpStandIn.Start(),
            AuthSmtp = SmtpStandIn.Start(SmtpUser, SmtpPassword),
            Sms = await SmsStandIn.StartAsync(),
        };
        hosts.WithProviders = await SenderHost.StartAsync(servers, new()
        {
            ["Identity:DevOutbox"] = "true",
            ["Identity:Email:Smtp:Host"] = "127.0.0.1",
            ["Identity:Email:Smtp:Port"] = hosts.Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Identity:Email:Smtp:Security"] = "None",
            ["Identity:Email:Smtp:From"] = From,
            ["Identity:Email:Smtp:FromName"] = FromName,
            ["Identity:Sms:Http:Url"] = hosts.Sms.MessagesUrl.ToString(),
            ["Identity:Sms:Http:AuthHeaderName"] = "X-Api-Key",
            ["Identity:Sms:Http:AuthHeaderValue"] = SmsKey,
            ["Identity:Sms:Http:SenderId"] = SmsSender,
            // Long enough for a loaded machine, short enough for the test of a provider that never answers.
            ["Identity:Sms:Http:TimeoutSeconds"] = "5",
        });
        hosts.WithSmtpAuth = await SenderHost.StartAsync(servers, new()
        {
            ["Identity:Email:Smtp:Host"] = "127.0.0.1",
            ["Identity:Email:Smtp:Port"] = hosts.AuthSmtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Identity:Email:Smtp:Security"] = "None",
            ["Identity:Email:Smtp:From"] = From,
            ["Identity:Email:Smtp:UserName"] = SmtpUser,
            ["Identity:Email:Smtp:Password"] = SmtpPassword,
        });
        return hosts;
    }

    public async ValueTask DisposeAsync()
    {
        if (WithProviders is not null) await WithProviders.DisposeAsync();
        if (WithSmtpAuth is not null) await WithSmtpAuth.DisposeAsync();
        if (Smtp is not null) await Smtp.DisposeAsync();
        if (AuthSmtp is not null) await AuthSmtp.DisposeAsync();
        if (Sms is not null) await Sms.DisposeAsync();
    }
}

/// <summary>
/// identity alone on a real port with the given sender settings. Clients call it directly from their own loopback
/// address (sending codes and signing in are anonymous, so no gateway is needed).
/// </summary>
public sealed class SenderHost : IAsyncDisposable
{
    private ServiceApp<identity::Program>? _app;

    public ShiftedClock Clock { get; } = new();
    public CapturedLogs Logs { get; } = new();
    public Uri Identity { get; private set; } = null!;

    public static async Task<SenderHost> StartAsync(ServersFixture servers, Dictionary<string, string?> senders)
    {
        var host = new SenderHost();
        var port = Stack.FreePort();
        host.Identity = new Uri($"http://127.0.0.1:{port}");
        host._app = new ServiceApp<identity::Program>(new Dictionary<string, string?>(senders)
        {
            ["Service:Name"] = "identity",
            ["ConnectionStrings:identitydb"] = await servers.CreateDatabaseAsync("identity"),
            ["ConnectionStrings:messaging"] = await servers.CreateVirtualHostAsync("identity"),
            ["Cache:Provider"] = "memory",
            ["Sessions:Store"] = "postgres",
            ["InternalAuth:PublicKey"] = new InternalTokens().PublicKey,
            ["Identity:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }, host.Clock, host.Logs);
        host._app.UseKestrel(port);
        host._app.StartServer();

        using var http = new HttpClient();
        var healthy = await Eventually.TrueAsync(async () =>
        {
            using var response = await http.GetAsync(new Uri(host.Identity, "/alive"));
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30));
        Assert.True(healthy, $"{host.Identity} did not come up");
        return host;
    }

    /// <summary>A client of this identity from its own loopback address, so per-IP limits are its own.</summary>
    public HttpClient Client(IPAddress? from = null) => LoopbackClient.Create(Identity, from ?? LoopbackClient.NextAddress());

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
