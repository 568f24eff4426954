using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Identity.Tests;
using Platform.ServiceDefaults.Auth;

namespace Gateway.Tests.Routing;

/// <summary>Relay traffic at the gateway (docs/relay.md): <c>/v1/**</c> to pool's <c>/relay/v1/**</c>, API keys only.</summary>
public abstract class RelayTests(Stack stack, RelayProbe pool)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task An_api_key_as_x_api_key_or_as_a_bearer_reaches_pool_with_only_the_internal_jwt()
    {
        using var client = stack.Client();
        var (owner, key, id) = await NewKeyAsync(client);

        foreach (var asBearer in new[] { false, true })
        {
            var mark = Guid.NewGuid().ToString();
            using var response = await client.SendAsync(Relay(HttpMethod.Post, "/v1/messages?beta=true", mark, key, asBearer));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            var received = Assert.Single(pool.ReceivedWith(mark));
            Assert.Equal("/relay/v1/messages?beta=true", received.PathAndQuery);
            Assert.False(received.Headers.ContainsKey("x-api-key"), "the client's x-api-key reached pool");
            Assert.DoesNotContain(received.Headers.Values, value => value.Contains(key, StringComparison.Ordinal));
            var claims = await stack.ValidInternalClaimsAsync(received.Headers["authorization"], "pool");
            Assert.Equal(InternalClaims.Types.ApiKey, claims[InternalClaims.CredentialType]);
            Assert.Equal(id.ToString(), claims[InternalClaims.CredentialId]);
            Assert.Equal(owner.UserId.ToString(), claims[InternalClaims.Subject]);
            Assert.False(claims.ContainsKey(InternalClaims.KeyConcurrency), "a key without limits got a concurrency claim");
            Assert.False(claims.ContainsKey(InternalClaims.KeyDailyCost), "a key without limits got a daily cost claim");
        }
    }

    [Fact]
    public async Task A_keys_concurrency_and_daily_cost_limits_travel_in_the_internal_jwt()
    {
        using var client = stack.Client();
        var (_, key, _) = await NewKeyAsync(client, new { concurrency = 3, dailyCost = 12.5m });

        var mark = Guid.NewGuid().ToString();
        using var response = await client.SendAsync(Relay(HttpMethod.Post, "/v1/messages", mark, key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var claims = await stack.ValidInternalClaimsAsync(Assert.Single(pool.ReceivedWith(mark)).Headers["authorization"], "pool");
        Assert.Equal("3", claims[InternalClaims.KeyConcurrency].ToString());
        Assert.Equal(12.5m, decimal.Parse(claims[InternalClaims.KeyDailyCost].ToString()!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Tokens_session_cookies_and_no_credential_are_401_api_key_required_on_v1()
    {
        var cookies = new CookieContainer();
        using var client = stack.Client(cookies: cookies);
        var signedIn = await client.SignInNewAsync();
        var sid = await NewSessionAsync(client, cookies);
        // Both work on /api, so the refusals below are /v1's rule.
        using (var me = await client.GetWithTokenAsync("/api/identity/me", signedIn.AccessToken)) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using (var me = await client.GetAsync("/api/identity/me")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        using var bare = stack.Client();
        var attempts = new (string What, Func<string, HttpRequestMessage> Request)[]
        {
            ("a user's bearer token", mark => Relay(HttpMethod.Post, "/v1/messages", mark).WithBearer(signedIn.AccessToken)),
            ("a session cookie", mark => WithCookie(Relay(HttpMethod.Get, "/v1/models", mark), sid)),
            ("no credential", mark => Relay(HttpMethod.Get, "/v1/models", mark)),
        };
        foreach (var (what, request) in attempts)
        {
            var mark = Guid.NewGuid().ToString();
            using var response = await bare.SendAsync(request(mark));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {response.StatusCode}");
            Assert.Equal("api_key_required", await response.ProblemCodeAsync());
            Assert.Empty(pool.ReceivedWith(mark));
        }
    }

    [Fact]
    public async Task A_revoked_or_unknown_api_key_is_401_unauthorized_on_v1_and_never_reaches_pool()
    {
        using var client = stack.Client();
        var (owner, key, id) = await NewKeyAsync(client);
        using (var works = await client.SendAsync(Relay(HttpMethod.Get, "/v1/models", Guid.NewGuid().ToString(), key))) Assert.Equal(HttpStatusCode.OK, works.StatusCode);

        using (var revoked = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/identity/api-keys/{id}").WithBearer(owner.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }
        var refused = await Eventually.TrueAsync(async () =>
        {
            using var response = await client.SendAsync(Relay(HttpMethod.Get, "/v1/models", Guid.NewGuid().ToString(), key));
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }, Deadline, TimeSpan.FromMilliseconds(20));
        Assert.True(refused, "the revoked key still passed /v1");

        foreach (var (what, value, asBearer) in new[] { ("revoked, x-api-key", key, false), ("revoked, bearer", key, true), ("unknown, bearer", "sk-not-a-key", true) })
        {
            var mark = Guid.NewGuid().ToString();
            using var response = await client.SendAsync(Relay(HttpMethod.Post, "/v1/messages", mark, value, asBearer));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {response.StatusCode}");
            Assert.Equal("unauthorized", await response.ProblemCodeAsync());
            Assert.Empty(pool.ReceivedWith(mark));
        }
    }

    [Fact]
    public async Task A_keys_concurrency_is_left_to_pool_on_v1_but_the_gateway_enforces_it_on_api()
    {
        using var client = stack.Client();
        var (_, key, _) = await NewKeyAsync(client, new { concurrency = 1 });

        // /v1: both requests reach pool while the first is still open.
        var relayMark = Guid.NewGuid().ToString();
        var relayGate = Guid.NewGuid().ToString();
        var both = new[]
        {
            client.SendAsync(Relay(HttpMethod.Post, "/v1/messages", relayMark, key, gate: relayGate)),
            client.SendAsync(Relay(HttpMethod.Post, "/v1/messages", relayMark, key, gate: relayGate)),
        };
        try
        {
            var arrived = await Eventually.TrueAsync(() => pool.ReceivedWith(relayMark).Count == 2 || both.Any(t => t.IsCompleted), Deadline, TimeSpan.FromMilliseconds(10));
            Assert.True(arrived && pool.ReceivedWith(relayMark).Count == 2,
                $"pool got {pool.ReceivedWith(relayMark).Count} of 2; answered early: {string.Join(", ", both.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result.StatusCode))}");
        }
        finally
        {
            pool.Gate(relayGate).TrySetResult();
        }
        foreach (var response in await Task.WhenAll(both))
        {
            using (response) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // /api: the second request is refused by the gateway while the first holds the key's only slot.
        var apiMark = Guid.NewGuid().ToString();
        var apiGate = Guid.NewGuid().ToString();
        var first = client.SendAsync(Relay(HttpMethod.Get, "/api/pool/anything", apiMark, key, gate: apiGate));
        try
        {
            Assert.True(await Eventually.TrueAsync(() => pool.ReceivedWith(apiMark).Count == 1 || first.IsCompleted, Deadline, TimeSpan.FromMilliseconds(10)));
            Assert.False(first.IsCompleted, "the first /api request was answered before its gate opened");
            using var second = await client.SendAsync(Relay(HttpMethod.Get, "/api/pool/anything", apiMark, key));
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.Equal("rate_limited", await second.ProblemCodeAsync());
            Assert.Single(pool.ReceivedWith(apiMark));
        }
        finally
        {
            pool.Gate(apiGate).TrySetResult();
        }
        using (var response = await first) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var afterwards = await client.SendAsync(Relay(HttpMethod.Get, "/api/pool/anything", apiMark, key));
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }

    [Fact]
    public async Task Server_sent_events_reach_the_client_as_pool_writes_them()
    {
        using var client = stack.Client();
        var (_, key, _) = await NewKeyAsync(client);
        var gate = Guid.NewGuid().ToString();
        try
        {
            var mark = Guid.NewGuid().ToString();
            var request = Relay(HttpMethod.Post, "/v1/messages", mark, key, gate: gate);
            request.Headers.Accept.ParseAdd("text/event-stream");
            // A gateway that buffered would not even send the headers before the gate opens: give up at the deadline.
            using var headersDeadline = new CancellationTokenSource(Deadline);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headersDeadline.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

            // Pool holds the rest of the stream until the gate opens: the first event arrives only if nothing buffers it.
            Assert.Equal("event: first", await ReadLineWithinAsync(reader, Deadline));
            Assert.Equal("data: {}", await ReadLineWithinAsync(reader, Deadline));

            pool.Gate(gate).TrySetResult();
            var rest = await reader.ReadToEndAsync().WaitAsync(Deadline);
            Assert.Contains("event: last", rest, StringComparison.Ordinal);
            // The stream came from pool over h2c, as every proxied request does when the service offers it.
            Assert.Equal("HTTP/2", Assert.Single(pool.ReceivedWith(mark)).Headers[":protocol"]);
        }
        finally
        {
            pool.Gate(gate).TrySetResult();
        }
    }

    /// <summary>A request tagged for the probe (held at <paramref name="gate"/> if named), the key as <c>x-api-key</c> or a bearer.</summary>
    private static HttpRequestMessage Relay(HttpMethod method, string path, string mark, string? key = null, bool asBearer = false, string? gate = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = JsonContent.Create(new { model = "claude-test", messages = new[] { new { role = "user", content = "hi" } } });
        }
        request.Headers.Add(RelayProbe.MarkHeader, mark);
        if (gate is not null)
        {
            request.Headers.Add(RelayProbe.GateHeader, gate);
        }
        if (key is not null && asBearer)
        {
            request.WithBearer(key);
        }
        else if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }
        return request;
    }

    private static HttpRequestMessage WithCookie(HttpRequestMessage request, string sid)
    {
        request.Headers.Add("Cookie", $"sid={sid}");
        return request;
    }

    private static async Task<(IdentityApi.SignedIn Owner, string Key, Guid Id)> NewKeyAsync(HttpClient client, object? limits = null)
    {
        var owner = await client.SignInNewAsync();
        using var created = await client.PostWithTokenAsync("/api/identity/api-keys", owner.AccessToken, new { name = "relay", limits, scopes = new[] { "api", "relay" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        return (owner, body.GetProperty("key").GetString()!, body.GetProperty("apiKey").GetProperty("id").GetGuid());
    }

    private async Task<string> NewSessionAsync(HttpClient client, CookieContainer cookies)
    {
        var email = IdentityApi.NewEmail();
        (await client.SendCodeAsync(email)).Dispose();
        using var created = await client.CreateSessionAsync(email, await client.LatestCodeAsync(email));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return cookies.GetCookies(stack.GatewayA)["sid"]!.Value;
    }

    private static async Task<string?> ReadLineWithinAsync(StreamReader reader, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            return await reader.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return "(nothing within the deadline)";
        }
    }

    [Collection(PlatformCollection.Name)]
    public sealed class WithRedis(IdentityPlatform platform) : RelayTests(platform.WithRedis, platform.Relay);

    [Collection(PlatformCollection.Name)]
    public sealed class WithoutRedis(IdentityPlatform platform) : RelayTests(platform.WithoutRedis, platform.Relay);
}
