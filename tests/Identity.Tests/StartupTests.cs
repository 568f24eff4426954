extern alias identity;

using Microsoft.Extensions.Logging.Abstractions;

namespace Identity.Tests;

public sealed class StartupTests
{
    [Fact]
    public void Identity_refuses_to_start_in_production_with_the_development_outbox_on()
    {
        using var app = new ServiceApp<identity::Program>(new Dictionary<string, string?>
        {
            ["Identity:DevOutbox"] = "true",
            // Everything else a production start needs, so the outbox is the only thing wrong.
            ["ConnectionStrings:identitydb"] = "Host=127.0.0.1;Database=unused",
            ["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
            ["Identity:SecretKey"] = Convert.ToBase64String(new byte[32]),
            ["InternalAuth:PublicKey"] = new InternalTokens().PublicKey,
        }, TimeProvider.System, NullLoggerProvider.Instance, environment: "Production");

        var error = Assert.Throws<InvalidOperationException>(() => app.Services);
        Assert.Contains("DevOutbox", error.Message);
    }
}
