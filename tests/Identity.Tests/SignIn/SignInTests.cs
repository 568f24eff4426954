using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Identity.Tests.SignIn;

/// <summary>Sign-in by code through the gateway: the flow, its errors and its limits (docs/identity.md).</summary>
public abstract class SignInTests(Stack stack)
{
    [Fact]
    public async Task A_new_target_signs_in_with_the_code_it_was_sent_and_becomes_a_user()
    {
        using var client = stack.Client();
        var email = IdentityApi.NewEmail().ToUpperInvariant();

        using var sent = await client.SendCodeAsync(email);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var body = await sent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(60, body.GetProperty("resendAfterSeconds").GetInt32());
        Assert.InRange(body.GetProperty("expiresAt").GetDateTimeOffset() - stack.Clock.GetUtcNow(), TimeSpan.FromSeconds(290), TimeSpan.FromSeconds(301));

        var code = await client.LatestCodeAsync(email.ToLowerInvariant());
        Assert.Matches("^[0-9]{6}$", code);
        using var signedIn = await client.SignInAsync(email, code);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var session = await signedIn.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", session.GetProperty("tokenType").GetString());
        Assert.True(session.GetProperty("user").GetProperty("isNew").GetBoolean());
        Assert.Equal(email.ToLowerInvariant(), session.GetProperty("user").GetProperty("email").GetString());
        var token = session.GetProperty("accessToken").GetString()!;
        Assert.Equal(43, token.Length);

        using var me = await client.GetWithTokenAsync("/api/identity/me", token);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var user = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(session.GetProperty("user").GetProperty("id").GetGuid(), user.GetProperty("id").GetGuid());
        Assert.Equal(["user"], user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        // The registration is announced through the outbox, in the same transaction as the new user.
        var userId = user.GetProperty("id").GetGuid();
        Assert.True(await Eventually.TrueAsync(() => UserRegisteredDispatchedAsync(userId), TimeSpan.FromSeconds(10)), "UserRegistered was not published");

        // Signing in again is the same user, no longer new.
        stack.Clock.Advance(TimeSpan.FromSeconds(61));
        var again = await client.SignInNewAsync(email.ToLowerInvariant());
        Assert.False(again.IsNew);
        Assert.Equal(userId, again.UserId);
    }

    [Fact]
    public async Task A_wrong_code_is_invalid_and_the_fifth_wrong_attempt_kills_the_code()
    {
        using var client = stack.Client();
        var email = IdentityApi.NewEmail();
        (await client.SendCodeAsync(email)).Dispose();
        var code = await client.LatestCodeAsync(email);
        var wrong = code == "000000" ? "111111" : "000000";

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var response = await client.SignInAsync(email, wrong);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_code", await response.ProblemCodeAsync());
        }

        using var right = await client.SignInAsync(email, code);
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        Assert.Equal("code_used", await right.ProblemCodeAsync());
    }

    [Fact]
    public async Task A_code_works_once_and_not_after_300_seconds()
    {
        using var client = stack.Client();
        var email = IdentityApi.NewEmail();
        (await client.SendCodeAsync(email)).Dispose();
        var code = await client.LatestCodeAsync(email);
        (await client.SignInAsync(email, code)).Dispose();

        using var reused = await client.SignInAsync(email, code);
        Assert.Equal("code_used", await reused.ProblemCodeAsync());

        stack.Clock.Advance(TimeSpan.FromSeconds(61));
        (await client.SendCodeAsync(email)).Dispose();
        var second = await client.LatestCodeAsync(email);
        stack.Clock.Advance(TimeSpan.FromSeconds(301));
        using var expired = await client.SignInAsync(email, second);
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Equal("code_expired", await expired.ProblemCodeAsync());
    }

    [Fact]
    public async Task A_second_code_within_60_seconds_is_429_with_retry_after()
    {
        using var client = stack.Client();
        var email = IdentityApi.NewEmail();
        (await client.SendCodeAsync(email)).Dispose();

        using var tooSoon = await client.SendCodeAsync(email);
        Assert.Equal(HttpStatusCode.TooManyRequests, tooSoon.StatusCode);
        Assert.Equal("resend_too_soon", await tooSoon.ProblemCodeAsync());
        Assert.InRange(tooSoon.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);

        stack.Clock.Advance(TimeSpan.FromSeconds(61));
        using var later = await client.SendCodeAsync(email);
        Assert.Equal(HttpStatusCode.Accepted, later.StatusCode);
    }

    [Fact]
    public async Task The_request_after_ten_sends_from_one_address_bans_it_for_a_day_whatever_headers_it_sends()
    {
        var address = LoopbackClient.NextAddress();
        using var client = stack.Client(address);
        for (var i = 0; i < 10; i++)
        {
            using var sent = await client.SendCodeAsync(IdentityApi.NewEmail());
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        using var banned = await client.SendCodeAsync(IdentityApi.NewEmail());
        Assert.Equal(HttpStatusCode.Forbidden, banned.StatusCode);
        var problem = await banned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("banned", problem.GetProperty("code").GetString());
        Assert.InRange(problem.GetProperty("bannedUntil").GetDateTimeOffset() - stack.Clock.GetUtcNow(), TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        Assert.True(await Eventually.TrueAsync(() => stack.Banned.Any(b => b.Kind == "ip" && b.Value == address.ToString()),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)), "no UserBanned event for the address");

        // A client-sent forwarding header does not change the address identity sees, nor does the other channel.
        var spoofed = new HttpRequestMessage(HttpMethod.Post, "/api/identity/codes") { Content = JsonContent.Create(new { channel = "sms", target = "+15551234567" }) };
        spoofed.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var stillBanned = await client.SendAsync(spoofed);
        Assert.Equal(HttpStatusCode.Forbidden, stillBanned.StatusCode);

        // Another address is not affected, even an hour later the ban holds.
        using var other = stack.Client();
        using var fine = await other.SendCodeAsync(IdentityApi.NewEmail());
        Assert.Equal(HttpStatusCode.Accepted, fine.StatusCode);
        stack.Clock.Advance(TimeSpan.FromHours(1));
        using var afterAnHour = await client.SendCodeAsync(IdentityApi.NewEmail());
        Assert.Equal(HttpStatusCode.Forbidden, afterAnHour.StatusCode);
    }

    [Fact]
    public async Task Twenty_wrong_codes_from_one_address_lock_only_that_address_out_and_the_owner_still_signs_in()
    {
        var email = IdentityApi.NewEmail();
        var stranger = LoopbackClient.NextAddress();
        await FailTwentyTimesAsync(email, stranger);

        using var fromThere = stack.Client(stranger);
        using (var refused = await fromThere.SendCodeAsync(email))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var signIn = await fromThere.SignInAsync(email, "123456"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
            Assert.Equal("target_locked", await signIn.ProblemCodeAsync());
        }
        Assert.True(await Eventually.TrueAsync(() => stack.Banned.Any(b => b.Kind == "target_ip" && b.Value == email && b.Address == stranger.ToString()),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)), "no UserBanned event for the locked address");

        // The owner, elsewhere, is sent a code and signs in.
        using var owner = stack.Client();
        var signedIn = await owner.SignInNewAsync(email);
        Assert.NotEqual(Guid.Empty, signedIn.UserId);
    }

    [Fact]
    public async Task A_locked_address_is_let_back_in_after_the_lock_time()
    {
        var email = IdentityApi.NewEmail();
        var address = LoopbackClient.NextAddress();
        await FailTwentyTimesAsync(email, address);
        using var client = stack.Client(address);
        using (var locked = await client.SendCodeAsync(email))
        {
            Assert.Equal(HttpStatusCode.Forbidden, locked.StatusCode);
            var until = (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bannedUntil").GetDateTimeOffset();
            Assert.InRange(until - stack.Clock.GetUtcNow(), TimeSpan.FromMinutes(55), TimeSpan.FromHours(1));
        }

        // Still locked a moment before the hour is up...
        stack.Clock.Advance(TimeSpan.FromMinutes(56));
        using (var stillLocked = await client.SignInAsync(email, "123456"))
        {
            Assert.Equal("target_locked", await stillLocked.ProblemCodeAsync());
        }

        // ...and free after it: a new code is sent and signs in.
        stack.Clock.Advance(TimeSpan.FromMinutes(4));
        using (var sent = await client.SendCodeAsync(email))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        using var signIn = await client.SignInAsync(email, await client.LatestCodeAsync(email));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }

    [Fact]
    public async Task Ten_codes_asked_from_one_address_use_up_only_its_allowance_and_the_owner_still_signs_in()
    {
        var email = IdentityApi.NewEmail();
        var first = stack.Clock.GetUtcNow();
        using var stranger = stack.Client();
        // Seven minutes apart, so the address never reaches its ten sends an hour (which would ban it).
        for (var i = 0; i < 10; i++)
        {
            using var sent = await stranger.SendCodeAsync(email);
            Assert.True(sent.StatusCode == HttpStatusCode.Accepted, $"code {i + 1}: {sent.StatusCode}");
            stack.Clock.Advance(TimeSpan.FromMinutes(7));
        }

        using var eleventh = await stranger.SendCodeAsync(email);
        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
        Assert.Equal("daily_limit", await eleventh.ProblemCodeAsync());
        // Retry-After points at the moment the oldest of the ten leaves the 24-hour window.
        var retryAfter = eleventh.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
        var expected = first + TimeSpan.FromDays(1) - stack.Clock.GetUtcNow();
        Assert.InRange(retryAfter, expected - TimeSpan.FromSeconds(5), expected + TimeSpan.FromSeconds(5));

        // The owner, asking from another address, is sent a code and signs in with it.
        using var owner = stack.Client();
        await owner.SignInNewAsync(email);

        stack.Clock.Advance(retryAfter + TimeSpan.FromSeconds(1));
        using var nextDay = await stranger.SendCodeAsync(email);
        Assert.Equal(HttpStatusCode.Accepted, nextDay.StatusCode);
    }

    [Fact]
    public async Task Past_its_overall_daily_cap_a_target_is_sent_codes_slowly_rather_than_never()
    {
        var email = IdentityApi.NewEmail();
        // Thirty codes from thirty addresses: the cap of all addresses together.
        for (var i = 0; i < 30; i++)
        {
            using var client = stack.Client();
            using var sent = await client.SendCodeAsync(email);
            Assert.True(sent.StatusCode == HttpStatusCode.Accepted, $"code {i + 1}: {sent.StatusCode}");
        }

        using var owner = stack.Client();
        using (var throttled = await owner.SendCodeAsync(email))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal("target_throttled", await throttled.ProblemCodeAsync());
            Assert.InRange(throttled.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 590, 600);
        }

        // Ten minutes on, one more code goes out (to whoever asks first), and it signs in; the next waits again.
        stack.Clock.Advance(TimeSpan.FromMinutes(10));
        await owner.SignInNewAsync(email);
        using var again = await stack.Client().SendCodeAsync(email);
        Assert.Equal("target_throttled", await again.ProblemCodeAsync());
    }

    [Fact]
    public async Task A_code_someone_else_asks_for_meanwhile_does_not_replace_the_owners()
    {
        var email = IdentityApi.NewEmail();
        using var owner = stack.Client();
        (await owner.SendCodeAsync(email)).Dispose();
        var code = await owner.LatestCodeAsync(email);

        using var stranger = stack.Client();
        using (var sent = await stranger.SendCodeAsync(email))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        Assert.NotEqual(code, await owner.LatestCodeAsync(email));

        using var signIn = await owner.SignInAsync(email, code);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }

    [Theory]
    [InlineData("/api/identity/codes", "{\"channel\": \"email\", \"target\": ")]
    [InlineData("/api/identity/codes", "{\"channel\": \"fax\", \"target\": \"a@example.test\"}")]
    [InlineData("/api/identity/codes", "{\"channel\": \"email\", \"target\": \"not-an-email\"}")]
    [InlineData("/api/identity/codes", "{\"channel\": \"sms\", \"target\": \"12\"}")]
    [InlineData("/api/identity/codes", "[1, 2, 3]")]
    [InlineData("/api/identity/sign-in", "{\"channel\": \"email\", \"target\": \"a@example.test\"}")]
    [InlineData("/api/identity/sign-in", "not json at all")]
    [InlineData("/api/identity/sessions", "{\"channel\": 5}")]
    public async Task Malformed_bodies_are_400_problems(string path, string body)
    {
        using var client = stack.Client();
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task One_address_over_its_rate_limit_gets_429_with_retry_after_at_the_gateway()
    {
        using var client = stack.Client();
        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(async _ =>
        {
            using var response = await client.GetAsync("/api/identity/oauth/providers");
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta);
        }));
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, r => Assert.True(r.RetryAfter >= TimeSpan.FromSeconds(1)));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) >= 100, "the burst of 100 should pass");

        // Another address has its own bucket.
        using var other = stack.Client();
        using var fine = await other.GetAsync("/api/identity/oauth/providers");
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    private async Task<bool> UserRegisteredDispatchedAsync(Guid userId)
    {
        await using var connection = new NpgsqlConnection(stack.IdentityDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%UserRegistered%' AND payload->>'userId' = $1 AND dispatched_at IS NOT NULL", connection);
        command.Parameters.AddWithValue(userId.ToString());
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    /// <summary>Four codes from <paramref name="address"/>, each tried wrong five times from there (20 in all), 61 s apart.</summary>
    private async Task FailTwentyTimesAsync(string email, IPAddress address)
    {
        using var client = stack.Client(address);
        for (var round = 0; round < 4; round++)
        {
            (await client.SendCodeAsync(email)).Dispose();
            var code = await client.LatestCodeAsync(email);
            var wrong = code == "000000" ? "111111" : "000000";
            for (var attempt = 0; attempt < 5; attempt++)
            {
                (await client.SignInAsync(email, wrong)).Dispose();
            }
            stack.Clock.Advance(TimeSpan.FromSeconds(61));
        }
    }

    [Collection(PlatformCollection.Name)]
    public sealed class WithRedis(IdentityPlatform platform) : SignInTests(platform.WithRedis);

    [Collection(PlatformCollection.Name)]
    public sealed class WithoutRedis(IdentityPlatform platform) : SignInTests(platform.WithoutRedis);
}
