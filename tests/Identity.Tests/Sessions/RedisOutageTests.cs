using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Identity.Tests.Sessions;

/// <summary>Redis dies while people are signed in with session cookies (the stack keeps sessions in Redis): nobody notices.</summary>
[Collection(PlatformCollection.Name)]
public sealed class RedisOutageTests(IdentityPlatform platform)
{
    private Stack Stack => platform.WithRedis;

    [Fact]
    public async Task Session_cookies_keep_working_through_a_redis_outage_and_one_ended_during_it_stays_ended()
    {
        var (kept, _) = await SessionAsync();
        var (ended, endedCsrf) = await SessionAsync();
        Assert.Equal(HttpStatusCode.OK, await MeAsync(kept));
        var (away, back) = (Switches("to the database"), Switches("back from the database to Redis"));

        await platform.Servers.Redis.KillAsync();
        try
        {
            // Each check comes after the gateway's 30 s introspection cache, so identity reads the session store.
            Assert.Equal(HttpStatusCode.OK, await MeAsync(kept));
            Assert.True(Switches("to the database") > away, "the session store did not notice Redis was gone");
            var (madeDuring, _) = await SessionAsync();
            Assert.Equal(HttpStatusCode.OK, await MeAsync(madeDuring));

            using var client = Stack.Client();
            var logout = new HttpRequestMessage(HttpMethod.Delete, "/api/identity/sessions/current") { Headers = { { "Cookie", $"sid={ended}" }, { "X-CSRF-Token", endedCsrf } } };
            using (var loggedOut = await client.SendAsync(logout)) Assert.Equal(HttpStatusCode.NoContent, loggedOut.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(ended));

            await platform.Servers.Redis.StartAsync();
            Assert.True(await Eventually.TrueAsync(() => Switches("back from the database to Redis") > back, TimeSpan.FromSeconds(30)), "sessions did not go back to Redis");
            Assert.Equal(HttpStatusCode.OK, await MeAsync(kept));
            Assert.Equal(HttpStatusCode.OK, await MeAsync(madeDuring));
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(ended));
        }
        finally
        {
            await platform.Servers.Redis.StartAsync();
        }
    }

    private async Task<(string Sid, string Csrf)> SessionAsync()
    {
        var cookies = new CookieContainer();
        using var client = Stack.Client(cookies: cookies);
        var email = IdentityApi.NewEmail();
        (await client.SendCodeAsync(email)).Dispose();
        using var created = await client.CreateSessionAsync(email, await client.LatestCodeAsync(email));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var csrf = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrfToken").GetString()!;
        return (cookies.GetCookies(Stack.GatewayA)["sid"]!.Value, csrf);
    }

    private async Task<HttpStatusCode> MeAsync(string sid)
    {
        Stack.Clock.Advance(TimeSpan.FromSeconds(31));
        using var client = Stack.Client();
        using var me = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/identity/me") { Headers = { { "Cookie", $"sid={sid}" } } });
        return me.StatusCode;
    }

    /// <summary>How often the stack's session store logged a switch whose message contains <paramref name="direction"/>.</summary>
    private int Switches(string direction) =>
        Stack.Logs.Lines.Count(l => l.Contains("Session store switched", StringComparison.Ordinal) && l.Contains(direction, StringComparison.Ordinal));
}
