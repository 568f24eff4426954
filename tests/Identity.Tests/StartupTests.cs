extern alias identity;

using Microsoft.Extensions.Logging.Abstractions;

namespace Identity.Tests;

public sealed class StartupTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Identity_refuses_to_start_outside_development_with_the_development_outbox_on(string environment)
    {
        using var app = new ServiceApp<identity::Program>(new Dictionary<string, string?>
        {
            ["Identity:DevOutbox"] = "true",
            // Everything else a start outside Development needs, so the outbox is the only thing wrong.
            ["ConnectionStrings:identitydb"] = "Host=127.0.0.1;Database=unused",
            ["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
            ["Identity:SecretKey"] = Convert.ToBase64String(new byte[32]),
            ["InternalAuth:PublicKey"] = new InternalTokens().PublicKey,
        }, TimeProvider.System, NullLoggerProvider.Instance, environment);

        var error = Assert.Throws<InvalidOperationException>(() => app.Services);
        Assert.Contains("DevOutbox", error.Message);
        Assert.Contains(environment, error.Message);
    }

    [Theory]
    [InlineData("Identity:Email:Smtp:Host=smtp.example.test", "Identity:Email:Smtp:From")]
    [InlineData("Identity:Email:Smtp:Host=smtp.example.test;Identity:Email:Smtp:From=not an address", "Identity:Email:Smtp:From")]
    [InlineData("Identity:Email:Smtp:Host=smtp.example.test;Identity:Email:Smtp:From=a@example.test;Identity:Email:Smtp:UserName=mailer", "Identity:Email:Smtp:Password")]
    [InlineData("Identity:Email:Smtp:Host=smtp.example.test;Identity:Email:Smtp:From=a@example.test;Identity:Email:Smtp:Body=no code here", "Identity:Email:Smtp:Body")]
    [InlineData("Identity:Email:Smtp:Host=smtp.example.test;Identity:Email:Smtp:From=a@example.test;Identity:Email:Smtp:Security=Tls13", "Identity:Email:Smtp:Security")]
    [InlineData("Identity:Sms:Http:Url=sms.example.test/send", "Identity:Sms:Http:Url")]
    [InlineData("Identity:Sms:Http:Url=https://sms.example.test/send;Identity:Sms:Http:AuthHeaderName=X-Api-Key", "Identity:Sms:Http:AuthHeaderValue")]
    [InlineData("Identity:Sms:Http:Url=https://sms.example.test/send;Identity:Sms:Http:Message=no code here", "Identity:Sms:Http:Message")]
    public void Identity_refuses_to_start_with_a_half_configured_sender_naming_the_setting(string settings, string key)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:identitydb"] = "Host=127.0.0.1;Database=unused",
            ["ConnectionStrings:messaging"] = "amqp://guest:guest@127.0.0.1:1/unused",
            ["Identity:SecretKey"] = Convert.ToBase64String(new byte[32]),
            ["InternalAuth:PublicKey"] = new InternalTokens().PublicKey,
        };
        foreach (var setting in settings.Split(';'))
        {
            var (name, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            configuration[name] = value;
        }
        using var app = new ServiceApp<identity::Program>(configuration, TimeProvider.System, NullLoggerProvider.Instance);

        var error = Assert.ThrowsAny<Exception>(() => app.Services);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
