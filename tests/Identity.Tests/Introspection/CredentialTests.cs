using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.ServiceDefaults.Auth;

namespace Identity.Tests.Introspection;

/// <summary>Tokens, sessions and API keys as the gateway resolves them (docs/gateway.md).</summary>
public abstract class CredentialTests(Stack stack)
{
    [Fact]
    public async Task A_token_slides_seven_days_from_each_use_up_to_its_thirty_day_cap()
    {
        using var client = stack.Client();
        var signedIn = await client.SignInNewAsync();

        // Used every six days it stays alive past the first seven...
        for (var day = 6; day < 30; day += 6)
        {
            stack.Clock.Advance(TimeSpan.FromDays(6));
            using var me = await client.GetWithTokenAsync("/api/identity/me", signedIn.AccessToken);
            Assert.True(me.StatusCode == HttpStatusCode.OK, $"day {day}: {me.StatusCode}");
        }

        // ...but never past thirty days from sign-in.
        stack.Clock.Advance(TimeSpan.FromDays(6));
        using var capped = await client.GetWithTokenAsync("/api/identity/me", signedIn.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, capped.StatusCode);
    }

    [Fact]
    public async Task A_token_unused_for_seven_days_has_expired()
    {
        using var client = stack.Client();
        var signedIn = await client.SignInNewAsync();
        stack.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        using var me = await client.GetWithTokenAsync("/api/identity/me", signedIn.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal("unauthorized", await me.ProblemCodeAsync());
    }

    [Fact]
    public async Task Sign_out_kills_the_token_on_every_gateway_within_a_second()
    {
        var from = LoopbackClient.NextAddress();
        using var a = stack.Client(from);
        using var b = stack.Client(from, gatewayB: true);
        var signedIn = await a.SignInNewAsync();
        // Both gateways now hold the token in their caches.
        using (var viaA = await a.GetWithTokenAsync("/api/identity/me", signedIn.AccessToken)) Assert.Equal(HttpStatusCode.OK, viaA.StatusCode);
        using (var viaB = await b.GetWithTokenAsync("/api/identity/me", signedIn.AccessToken)) Assert.Equal(HttpStatusCode.OK, viaB.StatusCode);

        using var signOut = await a.PostWithTokenAsync("/api/identity/sign-out", signedIn.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);

        var refusedEverywhere = await Eventually.TrueAsync(async () =>
        {
            using var viaB = await b.GetWithTokenAsync("/api/identity/me", signedIn.AccessToken);
            return viaB.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20));
        Assert.True(refusedEverywhere, "gateway B still accepted the token a second after sign-out");
        using var viaAAfter = await a.GetWithTokenAsync("/api/identity/me", signedIn.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, viaAAfter.StatusCode);
    }

    [Fact]
    public async Task A_session_cookie_signs_in_and_unsafe_requests_need_its_csrf_token()
    {
        var cookies = new CookieContainer();
        using var client = stack.Client(cookies: cookies);
        var email = IdentityApi.NewEmail();
        (await client.SendCodeAsync(email)).Dispose();
        var code = await client.LatestCodeAsync(email);

        using var created = await client.CreateSessionAsync(email, code);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var setCookie = Assert.Single(created.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("sid=", setCookie);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        // The stacks run in Development, where the Secure flag is off by default (ConfiguredIdentityTests: elsewhere).
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        var csrf = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrfToken").GetString()!;

        using (var me = await client.GetAsync("/api/identity/me")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using (var csrfAgain = await client.GetFromJsonAsync<JsonDocument>("/api/identity/csrf"))
        {
            Assert.Equal(csrf, csrfAgain!.RootElement.GetProperty("csrfToken").GetString());
        }

        using var withoutCsrf = await client.PostAsJsonAsync("/api/identity/api-keys", new { name = "no csrf" });
        Assert.Equal(HttpStatusCode.Forbidden, withoutCsrf.StatusCode);
        Assert.Equal("csrf_failed", await withoutCsrf.ProblemCodeAsync());

        var withCsrf = new HttpRequestMessage(HttpMethod.Post, "/api/identity/api-keys") { Content = JsonContent.Create(new { name = "with csrf" }) };
        withCsrf.Headers.Add("X-CSRF-Token", csrf);
        using (var ok = await client.SendAsync(withCsrf)) Assert.Equal(HttpStatusCode.Created, ok.StatusCode);

        var logout = new HttpRequestMessage(HttpMethod.Delete, "/api/identity/sessions/current");
        logout.Headers.Add("X-CSRF-Token", csrf);
        using (var loggedOut = await client.SendAsync(logout)) Assert.Equal(HttpStatusCode.NoContent, loggedOut.StatusCode);
        Assert.Empty(cookies.GetCookies(stack.GatewayA));
    }

    [Fact]
    public async Task A_deleted_session_is_refused_even_when_the_cookie_is_replayed()
    {
        var cookies = new CookieContainer();
        using var client = stack.Client(cookies: cookies);
        var email = IdentityApi.NewEmail();
        (await client.SendCodeAsync(email)).Dispose();
        using var created = await client.CreateSessionAsync(email, await client.LatestCodeAsync(email));
        var csrf = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrfToken").GetString()!;
        var sid = cookies.GetCookies(stack.GatewayA)["sid"]!.Value;

        var logout = new HttpRequestMessage(HttpMethod.Delete, "/api/identity/sessions/current");
        logout.Headers.Add("X-CSRF-Token", csrf);
        (await client.SendAsync(logout)).Dispose();

        using var replay = stack.Client();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/identity/me");
        request.Headers.Add("Cookie", $"sid={sid}");
        using var refused = await replay.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Sessions_are_only_created_from_allowed_origins_and_never_without_an_origin()
    {
        var cookies = new CookieContainer();
        using var client = stack.Client(cookies: cookies);
        var email = IdentityApi.NewEmail();
        (await client.SendCodeAsync(email)).Dispose();
        var code = await client.LatestCodeAsync(email);

        using (var foreign = await client.CreateSessionAsync(email, code, origin: "https://evil.example"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
            Assert.Equal("origin_not_allowed", await foreign.ProblemCodeAsync());
        }
        // A login CSRF form or a script outside a browser sends none: refused too.
        using (var missing = await client.CreateSessionAsync(email, code, origin: null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
            Assert.Equal("origin_required", await missing.ProblemCodeAsync());
        }
        Assert.Empty(cookies.GetCookies(stack.GatewayA));

        // The refusals came before the code was checked, so it still works from the allowed origin.
        using var allowed = await client.CreateSessionAsync(email, code);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.NotNull(cookies.GetCookies(stack.GatewayA)["sid"]);
    }

    [Fact]
    public async Task A_bearer_token_wins_over_a_cookie_and_then_no_csrf_is_needed()
    {
        using var client = stack.Client();
        var signedIn = await client.SignInNewAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/api-keys") { Content = JsonContent.Create(new { name = "bearer" }) }.WithBearer(signedIn.AccessToken);
        request.Headers.Add("Cookie", "sid=not-a-real-session");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task An_api_key_is_shown_once_works_and_stops_on_every_gateway_within_a_second_of_revocation()
    {
        var from = LoopbackClient.NextAddress();
        using var a = stack.Client(from);
        using var b = stack.Client(from, gatewayB: true);
        var signedIn = await a.SignInNewAsync();

        using var created = await a.PostWithTokenAsync("/api/identity/api-keys", signedIn.AccessToken, new { name = "ci", limits = new { requestsPerMinute = 100 }, scopes = new[] { "api" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("apiKey").GetProperty("id").GetGuid();
        Assert.StartsWith("sk-", key);
        Assert.Equal(key[..9], body.GetProperty("apiKey").GetProperty("prefix").GetString());

        using (var list = await a.GetWithTokenAsync("/api/identity/api-keys", signedIn.AccessToken))
        {
            var text = await list.Content.ReadAsStringAsync();
            Assert.Contains(id.ToString(), text);
            Assert.DoesNotContain(key, text);
        }

        foreach (var client in new[] { a, b })
        {
            var withKey = new HttpRequestMessage(HttpMethod.Get, "/api/identity/me");
            withKey.Headers.Add("x-api-key", key);
            using var me = await client.SendAsync(withKey);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var revoked = await a.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/identity/api-keys/{id}").WithBearer(signedIn.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }
        var refused = await Eventually.TrueAsync(async () =>
        {
            var withKey = new HttpRequestMessage(HttpMethod.Get, "/api/identity/me");
            withKey.Headers.Add("x-api-key", key);
            using var me = await b.SendAsync(withKey);
            return me.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20));
        Assert.True(refused, "gateway B still accepted the key a second after revocation");
    }

    [Fact]
    public async Task An_api_key_over_its_requests_per_minute_is_429_with_retry_after()
    {
        using var client = stack.Client();
        var signedIn = await client.SignInNewAsync();
        using var created = await client.PostWithTokenAsync("/api/identity/api-keys", signedIn.AccessToken, new { name = "slow", limits = new { requestsPerMinute = 2 }, scopes = new[] { "api" } });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/identity/me");
            request.Headers.Add("x-api-key", key);
            last = await client.SendAsync(request);
            statuses.Add(last.StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("rate_limited", await last.ProblemCodeAsync());
        last.Dispose();
    }

    [Fact]
    public async Task One_address_over_its_burst_is_429_while_another_address_goes_on()
    {
        // The per-address bucket holds 100 and refills 50 a second: 400 requests at once, over as many connections,
        // find it empty. The route is anonymous, so only the address limits it.
        using var flooding = stack.Client();
        var responses = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => flooding.GetAsync("/api/users/openapi/v1.json")));
        try
        {
            var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.NotEmpty(limited);
            Assert.True(limited[0].Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Equal("rate_limited", await limited[0].ProblemCodeAsync());

            using var other = stack.Client();
            using var fresh = await other.GetAsync("/api/users/openapi/v1.json");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, fresh.StatusCode);
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
    }

    [Fact]
    public async Task Guessing_credentials_from_one_address_is_429_once_its_burst_is_spent_without_asking_identity()
    {
        // Each guess is a new token, so none is cached: every one the address limit let through cost an introspection.
        using var guessing = stack.Client();
        // Counted in-process, as gateway A records them: a scrape of /metrics could come from the exporter's cache.
        using var introspections = new CounterReader(stack.GatewayAServices, "Platform.Gateway", "gateway_introspections_total");
        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => guessing.GetWithTokenAsync("/api/identity/me", $"guess-{i}-{Guid.NewGuid():N}")));
        try
        {
            var limited = responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.True(limited > 0, "300 guesses at once from one address were never limited");
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.TooManyRequests), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
            Assert.Equal("rate_limited", await responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests).ProblemCodeAsync());
            Assert.Equal(300 - limited, introspections.Total());
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_is_a_502_problem_naming_it()
    {
        using var client = stack.Client();
        using var response = await client.GetAsync("/api/promo/products");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("upstream_unavailable", problem.GetProperty("code").GetString());
        Assert.Contains("promo", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("{\"name\": \"\"}")]
    [InlineData("{\"name\": \"k\", \"expiresAt\": \"2001-01-01T00:00:00Z\"}")]
    [InlineData("{\"name\": \"k\", \"limits\": {\"requestsPerMinute\": -1}}")]
    [InlineData("{\"name\": \"k\", \"limits\": {\"requestsPerMinute\": \"many\"}}")]
    [InlineData("{\"name\": \"k\", \"scopes\": []}")]
    [InlineData("{\"name\": \"k\", \"scopes\": [\"admin\"]}")]
    public async Task Bad_api_key_requests_are_400(string body)
    {
        using var client = stack.Client();
        var signedIn = await client.SignInNewAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/api-keys")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        }.WithBearer(signedIn.AccessToken);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Protected_routes_need_a_credential_and_an_unknown_one_is_401()
    {
        using var client = stack.Client();
        using var anonymous = await client.GetAsync("/api/identity/me");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("unauthorized", await anonymous.ProblemCodeAsync());

        using var forged = await client.GetWithTokenAsync("/api/identity/me", "forged-token");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task An_internal_jwt_forged_by_a_client_is_refused_at_the_gateway_and_at_the_service()
    {
        // Signed by a key that is not the gateway's, with every claim an attacker would want.
        var forged = new InternalTokens().For("identity", Guid.NewGuid(), "admin@example.test", null, "user", "admin");
        using var client = stack.Client();
        using var viaGateway = await client.GetWithTokenAsync("/api/identity/admin/users", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, viaGateway.StatusCode);

        using var direct = new HttpClient { BaseAddress = stack.Identity };
        using var atService = await direct.GetWithTokenAsync("/api/identity/admin/users", forged);
        Assert.Equal(HttpStatusCode.Unauthorized, atService.StatusCode);
    }

    [Fact]
    public async Task A_service_receives_only_the_gateway_jwt_for_its_audience_and_none_of_the_clients_credentials()
    {
        using var client = stack.Client();
        var signedIn = await client.SignInNewAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/probe").WithBearer(signedIn.AccessToken);
        request.Headers.Add("Cookie", "sid=someone-elses-session; theme=dark");
        request.Headers.Add("x-api-key", "someone-elses-key");
        request.Headers.Add("X-CSRF-Token", "a-csrf-token");
        request.Headers.Add("X-Internal-User", "forged-user");
        request.Headers.Add("x-internal-roles", "admin");

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        Assert.NotNull(received);
        Assert.DoesNotContain(received.Keys, name => name.StartsWith("x-internal-", StringComparison.Ordinal));
        Assert.False(received.ContainsKey("cookie"), "the client's cookies reached the service");
        Assert.False(received.ContainsKey("x-api-key"), "the client's API key reached the service");
        Assert.False(received.ContainsKey("x-csrf-token"), "the client's CSRF token reached the service");
        Assert.DoesNotContain(received.Values, value => value.Contains(signedIn.AccessToken, StringComparison.Ordinal));
        Assert.Equal("HTTP/2", received[":protocol"]); // the service offers h2c, and the gateway takes it

        // What came instead: the gateway's JWT for this service, valid under the key services are given.
        var claims = await stack.ValidInternalClaimsAsync(received["authorization"], "users");
        Assert.Equal(signedIn.UserId.ToString(), claims[InternalClaims.Subject]);
        Assert.Equal(InternalClaims.Types.Token, claims[InternalClaims.CredentialType]);
    }

    [Fact]
    public async Task An_anonymous_request_carries_a_gateway_jwt_naming_the_address_it_came_from()
    {
        foreach (var from in new[] { LoopbackClient.NextAddress(), LoopbackClient.NextAddress() })
        {
            using var client = stack.Client(from);
            // The second request rides the same connection and finds the address and the anonymous caller cached.
            for (var i = 0; i < 2; i++)
            {
                using var response = await client.GetAsync("/api/users/openapi/v1.json");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var received = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
                var claims = await stack.ValidInternalClaimsAsync(received!["authorization"], "users");
                Assert.Equal(InternalClaims.Types.Anonymous, claims[InternalClaims.CredentialType]);
                Assert.Equal(from.ToString(), claims[InternalClaims.ClientAddress]);
                Assert.False(claims.ContainsKey(InternalClaims.Subject));
            }
        }
    }

    [Fact]
    public async Task The_service_itself_refuses_a_client_token_and_the_gateway_does_not_route_internal_paths()
    {
        using var client = stack.Client();
        var signedIn = await client.SignInNewAsync();

        using var direct = new HttpClient { BaseAddress = stack.Identity };
        using var me = await direct.GetWithTokenAsync("/api/identity/me", signedIn.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var introspect = await direct.PostAsJsonAsync("/internal/introspect", new { type = "token", credential = signedIn.AccessToken });
        Assert.Equal(HttpStatusCode.Unauthorized, introspect.StatusCode);

        using var viaGateway = await client.PostWithTokenAsync("/internal/introspect", signedIn.AccessToken, new { type = "token", credential = signedIn.AccessToken });
        Assert.Equal(HttpStatusCode.NotFound, viaGateway.StatusCode);
    }

    [Fact]
    public async Task A_user_disabled_by_users_loses_every_credential_on_every_gateway_and_enabling_brings_none_back()
    {
        var from = LoopbackClient.NextAddress();
        var cookies = new CookieContainer();
        using var a = stack.Client(from, cookies: cookies);
        using var b = stack.Client(from, gatewayB: true);
        var email = IdentityApi.NewEmail();
        var signedIn = await a.SignInNewAsync(email);
        string apiKey;
        using (var created = await a.PostWithTokenAsync("/api/identity/api-keys", signedIn.AccessToken, new { name = "before disable", scopes = new[] { "api" } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            apiKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        }
        stack.Clock.Advance(TimeSpan.FromSeconds(61));
        (await a.SendCodeAsync(email)).Dispose();
        using (var session = await a.CreateSessionAsync(email, await a.LatestCodeAsync(email)))
        {
            Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        }
        var sid = cookies.GetCookies(stack.GatewayA)["sid"]!.Value;

        // All three work, and both gateways have cached them.
        foreach (var client in new[] { a, b })
        {
            foreach (var (kind, request) in Credentials(signedIn.AccessToken, sid, apiKey))
            {
                using var me = await client.SendAsync(request());
                Assert.True(me.StatusCode == HttpStatusCode.OK, $"{kind}: {me.StatusCode}");
            }
        }

        await stack.PublishAsync(new Platform.Contracts.Users.UserDisabled(signedIn.UserId, DateTimeOffset.UtcNow, Version: 1));
        foreach (var client in new[] { a, b })
        {
            foreach (var (kind, request) in Credentials(signedIn.AccessToken, sid, apiKey))
            {
                var refused = await Eventually.TrueAsync(async () =>
                {
                    using var me = await client.SendAsync(request());
                    return me.StatusCode == HttpStatusCode.Unauthorized;
                }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
                Assert.True(refused, $"a disabled user's {kind} still worked");
            }
        }
        stack.Clock.Advance(TimeSpan.FromSeconds(61));
        (await a.SendCodeAsync(email)).Dispose();
        using (var signIn = await a.SignInAsync(email, await a.LatestCodeAsync(email)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
            Assert.Equal("user_disabled", await signIn.ProblemCodeAsync());
        }

        await stack.PublishAsync(new Platform.Contracts.Users.UserEnabled(signedIn.UserId, DateTimeOffset.UtcNow, Version: 2));
        string? fresh = null;
        var enabled = await Eventually.TrueAsync(async () =>
        {
            // Far enough apart that retrying here never meets the per-target daily limit of codes.
            stack.Clock.Advance(TimeSpan.FromHours(2.5));
            using var sent = await a.SendCodeAsync(email);
            using var signIn = await a.SignInAsync(email, await a.LatestCodeAsync(email));
            fresh = signIn.IsSuccessStatusCode ? (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString() : null;
            return signIn.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
        Assert.True(enabled, "an enabled user could not sign in again");

        // Enabled again, the user signs in afresh, but what they held before stays dead, on both gateways.
        foreach (var client in new[] { a, b })
        {
            using (var me = await client.GetWithTokenAsync("/api/identity/me", fresh!)) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            foreach (var (kind, request) in Credentials(signedIn.AccessToken, sid, apiKey))
            {
                using var me = await client.SendAsync(request());
                Assert.True(me.StatusCode == HttpStatusCode.Unauthorized, $"the {kind} held before the user was disabled works again: {me.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task A_repeated_UserDisabled_changes_nothing_more()
    {
        using var client = stack.Client();
        var signedIn = await client.SignInNewAsync();
        using (var created = await client.PostWithTokenAsync("/api/identity/api-keys", signedIn.AccessToken, new { name = "k" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var disabledAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        await stack.PublishAsync(new Platform.Contracts.Users.UserDisabled(signedIn.UserId, disabledAt, Version: 1));
        Assert.True(await Eventually.TrueAsync(async () => await DisabledEventsHandledAsync(signedIn.UserId) == 1, TimeSpan.FromSeconds(10)),
            "the first UserDisabled was not handled");
        var first = await RevocationTimesAsync(signedIn.UserId);
        Assert.Equal([disabledAt.ToUnixTimeMilliseconds(), disabledAt.ToUnixTimeMilliseconds()], first.Select(t => t.ToUnixTimeMilliseconds()));

        // Another UserDisabled for the same user (users may send one again): handled, and nothing moves.
        await stack.PublishAsync(new Platform.Contracts.Users.UserDisabled(signedIn.UserId, DateTimeOffset.UtcNow, Version: 2));
        Assert.True(await Eventually.TrueAsync(async () => await DisabledEventsHandledAsync(signedIn.UserId) == 2, TimeSpan.FromSeconds(10)),
            "the second UserDisabled was not handled");
        Assert.Equal(first, await RevocationTimesAsync(signedIn.UserId));
    }

    [Fact]
    public async Task Status_events_arriving_out_of_order_leave_the_user_as_the_newest_one_says()
    {
        using var client = stack.Client();
        var email = IdentityApi.NewEmail();
        var signedIn = await client.SignInNewAsync(email);

        // users disabled, enabled and disabled the user (versions 1, 2, 3); the broker delivers 1, 3, then 2 late.
        var (first, third) = (Guid.NewGuid(), Guid.NewGuid());
        await stack.PublishAsync(new Platform.Contracts.Users.UserDisabled(signedIn.UserId, DateTimeOffset.UtcNow, Version: 1), first);
        Assert.True(await Eventually.TrueAsync(() => ConsumedAsync("UserDisabledConsumer", first), TimeSpan.FromSeconds(10)), "UserDisabled 1 was not consumed");
        await stack.PublishAsync(new Platform.Contracts.Users.UserDisabled(signedIn.UserId, DateTimeOffset.UtcNow, Version: 3), third);
        Assert.True(await Eventually.TrueAsync(() => ConsumedAsync("UserDisabledConsumer", third), TimeSpan.FromSeconds(10)), "UserDisabled 3 was not consumed");
        var late = Guid.NewGuid();
        await stack.PublishAsync(new Platform.Contracts.Users.UserEnabled(signedIn.UserId, DateTimeOffset.UtcNow, Version: 2), late);
        Assert.True(await Eventually.TrueAsync(() => ConsumedAsync("UserEnabledConsumer", late), TimeSpan.FromSeconds(10)),
            "the late UserEnabled was not consumed");

        // Still disabled: the late enable was older than the last disable.
        stack.Clock.Advance(TimeSpan.FromSeconds(61));
        (await client.SendCodeAsync(email)).Dispose();
        using (var refused = await client.SignInAsync(email, await client.LatestCodeAsync(email)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("user_disabled", await refused.ProblemCodeAsync());
        }

        // A newer enable does apply.
        var fourth = Guid.NewGuid();
        await stack.PublishAsync(new Platform.Contracts.Users.UserEnabled(signedIn.UserId, DateTimeOffset.UtcNow, Version: 4), fourth);
        Assert.True(await Eventually.TrueAsync(() => ConsumedAsync("UserEnabledConsumer", fourth), TimeSpan.FromSeconds(10)), "UserEnabled 4 was not consumed");
        Assert.Equal(4, await StatusVersionAsync(signedIn.UserId));
        stack.Clock.Advance(TimeSpan.FromSeconds(61));
        await client.SignInNewAsync(email);
    }

    /// <summary>Requests to /me with each kind of credential: bearer token, session cookie, API key.</summary>
    private static (string Kind, Func<HttpRequestMessage> Request)[] Credentials(string token, string sid, string apiKey) =>
    [
        ("token", () => new HttpRequestMessage(HttpMethod.Get, "/api/identity/me").WithBearer(token)),
        ("session cookie", () => new HttpRequestMessage(HttpMethod.Get, "/api/identity/me") { Headers = { { "Cookie", $"sid={sid}" } } }),
        ("API key", () => new HttpRequestMessage(HttpMethod.Get, "/api/identity/me") { Headers = { { "x-api-key", apiKey } } }),
    ];

    // Whether the consumer has handled the message: its inbox row is written even when the message changes nothing.
    private async Task<bool> ConsumedAsync(string consumer, Guid messageId)
    {
        await using var connection = new NpgsqlConnection(stack.IdentityDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM inbox_messages WHERE consumer = $1 AND message_id = $2", connection);
        command.Parameters.AddWithValue(consumer);
        command.Parameters.AddWithValue(messageId);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    private async Task<long> StatusVersionAsync(Guid userId)
    {
        await using var connection = new NpgsqlConnection(stack.IdentityDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status_version FROM users WHERE id = $1", connection);
        command.Parameters.AddWithValue(userId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // The outbox rows UserDisabledConsumer wrote for the user: one per handled UserDisabled.
    private async Task<long> DisabledEventsHandledAsync(Guid userId)
    {
        await using var connection = new NpgsqlConnection(stack.IdentityDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%UserCredentialsRevoked%' AND payload->>'userId' = $1", connection);
        command.Parameters.AddWithValue(userId.ToString());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // The revocation times of the user's token and API key, in that order.
    private async Task<List<DateTimeOffset>> RevocationTimesAsync(Guid userId)
    {
        await using var connection = new NpgsqlConnection(stack.IdentityDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT 1, revoked_at FROM user_tokens WHERE user_id = $1
            UNION ALL SELECT 2, revoked_at FROM api_keys WHERE user_id = $1
            ORDER BY 1
            """, connection);
        command.Parameters.AddWithValue(userId);
        var times = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Assert.False(reader.IsDBNull(1), "a credential was not revoked");
            times.Add(reader.GetFieldValue<DateTimeOffset>(1));
        }
        return times;
    }

    [Collection(PlatformCollection.Name)]
    public sealed class WithRedis(IdentityPlatform platform) : CredentialTests(platform.WithRedis);

    [Collection(PlatformCollection.Name)]
    public sealed class WithoutRedis(IdentityPlatform platform) : CredentialTests(platform.WithoutRedis);
}
