extern alias identity;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Identity.Tests;

/// <summary>identity under settings and environments other than the shared stacks' (Identity:Limits, UniversalCode, SecureCookies).</summary>
[Collection(PlatformCollection.Name)]
public sealed class ConfiguredIdentityTests(IdentityPlatform platform)
{
    private const string Universal = "424242";

    [Fact]
    public async Task Limits_changed_in_configuration_take_effect()
    {
        await using var identity = await LoneIdentity.StartAsync(platform.Servers, "Development", new()
        {
            ["Identity:DevOutbox"] = "true",
            ["Identity:Limits:ResendIntervalSeconds"] = "7",
            ["Identity:Limits:CodeLifetimeSeconds"] = "120",
        });
        using var client = identity.Client();
        var email = IdentityApi.NewEmail();

        using var sent = await client.SendCodeAsync(email);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var body = await sent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(7, body.GetProperty("resendAfterSeconds").GetInt32());
        Assert.InRange(body.GetProperty("expiresAt").GetDateTimeOffset() - identity.Clock.GetUtcNow(), TimeSpan.FromSeconds(110), TimeSpan.FromSeconds(120));

        using var tooSoon = await client.SendCodeAsync(email);
        Assert.Equal(HttpStatusCode.TooManyRequests, tooSoon.StatusCode);
        Assert.InRange(tooSoon.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 7);

        // Eight seconds on, the default's 60 would still refuse; this configuration sends.
        identity.Clock.Advance(TimeSpan.FromSeconds(8));
        using var resent = await client.SendCodeAsync(email);
        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);

        // The code dies after the configured 120 s, not the default 300.
        var code = await client.LatestCodeAsync(email);
        identity.Clock.Advance(TimeSpan.FromSeconds(121));
        using var expired = await client.SignInAsync(email, code);
        Assert.Equal("code_expired", await expired.ProblemCodeAsync());
    }

    [Theory]
    [InlineData("ResendIntervalSeconds", "0")]
    [InlineData("CodesPerTargetPerDay", "-1")]
    [InlineData("TokenLifetimeSeconds", "0")]
    [InlineData("TokenAbsoluteLifetimeSeconds", "3600")]
    public void An_invalid_limit_stops_identity_at_start_naming_the_setting(string name, string value)
    {
        var logs = new CapturedLogs();
        using var app = new ServiceApp<identity::Program>(new Dictionary<string, string?>
        {
            [$"Identity:Limits:{name}"] = value,
            // Everything else a start needs; validation comes before anything is reached.
            ["ConnectionStrings:identitydb"] = "Host=127.0.0.1;Database=unused",
            ["Identity:SecretKey"] = LoneIdentity.NewSecretKey(),
            ["InternalAuth:PublicKey"] = new InternalTokens().PublicKey,
        }, TimeProvider.System, logs);

        Assert.ThrowsAny<Exception>(() => app.Services);
        // The host's own report of why it did not start: what the test factory rethrows is sometimes its disposal
        // racing the failed start ("Cannot access a disposed object") instead of the validation error.
        Assert.Contains(logs.Lines, line => line.Contains("OptionsValidationException", StringComparison.Ordinal)
            && line.Contains($"Identity:Limits:{name}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_universal_code_works_only_where_configured_and_only_in_development()
    {
        // One deployment (same database and key) in three environments, each with the universal code configured.
        // Only Development keeps codes readable, so its instance sends them.
        var database = await platform.Servers.CreateDatabaseAsync("identity");
        var secretKey = LoneIdentity.NewSecretKey();
        var universal = new Dictionary<string, string?> { ["Identity:UniversalCode"] = Universal };
        await using var development = await LoneIdentity.StartAsync(platform.Servers, "Development", new(universal) { ["Identity:DevOutbox"] = "true" }, database, secretKey);
        await using var staging = await LoneIdentity.StartAsync(platform.Servers, "Staging", universal, database, secretKey);
        await using var production = await LoneIdentity.StartAsync(platform.Servers, "Production", universal, database, secretKey);
        using var client = development.Client();

        // Configured, in Development: it signs in a target whatever code that target was sent.
        var email = IdentityApi.NewEmail();
        await SendCodeOtherThanUniversalAsync(client, development.Clock, email);
        using (var signedIn = await client.SignInAsync(email, Universal))
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        // Anywhere else (Staging as much as Production) it is refused, while the code really sent works there.
        foreach (var (name, elsewhere) in new[] { ("Staging", staging), ("Production", production) })
        {
            var other = IdentityApi.NewEmail();
            var code = await SendCodeOtherThanUniversalAsync(client, development.Clock, other);
            using var there = elsewhere.Client();
            using (var refused = await there.SignInAsync(other, Universal))
            {
                Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{name}: {refused.StatusCode}");
                Assert.Equal("invalid_code", await refused.ProblemCodeAsync());
            }
            using (var real = await there.SignInAsync(other, code))
            {
                Assert.True(real.StatusCode == HttpStatusCode.OK, $"{name}: {real.StatusCode}");
            }
        }

        // Not configured (the shared stacks): the same value is just a wrong code.
        using var unconfigured = platform.WithoutRedis.Client();
        var third = IdentityApi.NewEmail();
        (await unconfigured.SendCodeAsync(third)).Dispose();
        while (await unconfigured.LatestCodeAsync(third) == Universal)
        {
            platform.WithoutRedis.Clock.Advance(TimeSpan.FromSeconds(61));
            (await unconfigured.SendCodeAsync(third)).Dispose();
        }
        using var wrong = await unconfigured.SignInAsync(third, Universal);
        Assert.Equal("invalid_code", await wrong.ProblemCodeAsync());
    }

    [Fact]
    public async Task The_session_cookie_is_secure_outside_development_unless_configured_off()
    {
        // Instances of one deployment (same database and key); the Development one sends the codes, since only
        // there are they readable. In Development (the shared stacks) the flag is off by default.
        var database = await platform.Servers.CreateDatabaseAsync("identity");
        var secretKey = LoneIdentity.NewSecretKey();
        await using var development = await LoneIdentity.StartAsync(platform.Servers, "Development", new() { ["Identity:DevOutbox"] = "true" }, database, secretKey);
        await using var staging = await LoneIdentity.StartAsync(platform.Servers, "Staging", [], database, secretKey);
        await using var production = await LoneIdentity.StartAsync(platform.Servers, "Production", [], database, secretKey);
        await using var configuredOff = await LoneIdentity.StartAsync(platform.Servers, "Staging", new() { ["Identity:SecureCookies"] = "false" }, database, secretKey);
        using var sender = development.Client();

        foreach (var (name, identity, secure) in new[] { ("Staging", staging, true), ("Production", production, true), ("SecureCookies=false", configuredOff, false) })
        {
            var email = IdentityApi.NewEmail();
            (await sender.SendCodeAsync(email)).Dispose();
            using var client = identity.Client();
            using var created = await client.CreateSessionAsync(email, await sender.LatestCodeAsync(email));
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            var setCookie = Assert.Single(created.Headers.GetValues("Set-Cookie"));
            Assert.StartsWith("sid=", setCookie);
            var flagged = setCookie.Split(';').Any(part => part.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));
            Assert.True(flagged == secure, $"{name}: {setCookie}");
        }
    }

    /// <summary>Sends a code and returns it, sending again in the rare case it equals the universal code.</summary>
    private static async Task<string> SendCodeOtherThanUniversalAsync(HttpClient client, ShiftedClock clock, string email)
    {
        while (true)
        {
            using (var sent = await client.SendCodeAsync(email))
            {
                Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            }
            var code = await client.LatestCodeAsync(email);
            if (code != Universal)
            {
                return code;
            }
            clock.Advance(TimeSpan.FromSeconds(61));
        }
    }
}
