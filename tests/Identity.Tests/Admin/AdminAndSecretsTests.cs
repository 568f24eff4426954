using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Identity.Tests.Admin;

/// <summary>Administration (roles, bans) and what is never stored or logged in the clear.</summary>
public abstract class AdminAndSecretsTests(Stack stack)
{
    [Fact]
    public async Task A_configured_admin_grants_admin_and_the_new_role_applies_at_once_through_the_gateway()
    {
        using var client = stack.Client();
        var admin = await stack.SignInAdminAsync(client);
        var someone = await client.SignInNewAsync();

        using (var forbidden = await client.GetWithTokenAsync("/api/identity/admin/users", someone.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        using (var granted = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/identity/admin/users/{someone.UserId}/roles/admin").WithBearer(admin.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        }

        // The gateway cached the user's old roles; UserRolesChanged drops them.
        var nowAdmin = await Eventually.TrueAsync(async () =>
        {
            using var listed = await client.GetWithTokenAsync("/api/identity/admin/users?role=admin", someone.AccessToken);
            return listed.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(20));
        Assert.True(nowAdmin);

        using var page = await client.GetWithTokenAsync("/api/identity/admin/users?role=admin&pageSize=200", admin.AccessToken);
        var body = await page.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(body.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetGuid() == someone.UserId);
        Assert.True(await AuditedAsync("grant_admin", someone.UserId.ToString()));

        using var tooBig = await client.GetWithTokenAsync("/api/identity/admin/users?pageSize=500", admin.AccessToken);
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
    }

    [Fact]
    public async Task An_admin_ban_on_a_target_refuses_its_codes_until_lifted()
    {
        using var client = stack.Client();
        var admin = await stack.SignInAdminAsync(client);
        var target = IdentityApi.NewEmail();

        using var banned = await client.PostWithTokenAsync("/api/identity/admin/bans", admin.AccessToken, new { kind = "target", value = target, durationSeconds = 3600, reason = "abuse" });
        Assert.Equal(HttpStatusCode.Created, banned.StatusCode);
        var banId = (await banned.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using (var refused = await client.SendCodeAsync(target)) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using (var lifted = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/identity/admin/bans/{banId}").WithBearer(admin.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.NoContent, lifted.StatusCode);
        }
        using (var allowed = await client.SendCodeAsync(target)) Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        Assert.True(await AuditedAsync("ban", null) && await AuditedAsync("lift_ban", banId.ToString()));
        Assert.True(await Eventually.TrueAsync(() => stack.Banned.Any(b => b is { Kind: "target", Reason: "abuse" } && b.Value == target),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)), "no UserBanned event for the admin's ban");

        using var bad = await client.PostWithTokenAsync("/api/identity/admin/bans", admin.AccessToken, new { kind = "ip", value = "not an ip", durationSeconds = 60 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task The_gateway_gathers_system_and_database_status_from_the_services_for_admins_only()
    {
        using var client = stack.Client();
        var admin = await stack.SignInAdminAsync(client);
        var someone = await client.SignInNewAsync();

        using (var anonymous = await client.GetAsync("/api/admin/db-status")) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var user = await client.GetWithTokenAsync("/api/admin/db-status", someone.AccessToken)) Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);

        using var dbStatus = await client.GetWithTokenAsync("/api/admin/db-status", admin.AccessToken);
        Assert.Equal(HttpStatusCode.OK, dbStatus.StatusCode);
        var body = await dbStatus.Content.ReadFromJsonAsync<JsonElement>();
        var identity = body.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("service").GetString() == "identity");
        var database = identity.GetProperty("report").GetProperty("databases")[0];
        Assert.True(database.GetProperty("ok").GetBoolean());
        Assert.Contains(database.GetProperty("appliedMigrations").EnumerateArray(), m => m.GetString()!.EndsWith("_Identity"));
        Assert.Equal(0, database.GetProperty("pendingMigrations").GetArrayLength());
        Assert.DoesNotContain("password", database.GetProperty("url").GetString()!, StringComparison.OrdinalIgnoreCase);
        // The other services are not running in this stack, and the probe standing in for users answers something
        // that is not a report: each is reported, none is fatal.
        Assert.False(body.GetProperty("ok").GetBoolean());
        var users = body.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("service").GetString() == "users");
        Assert.False(users.GetProperty("ok").GetBoolean());
        Assert.Contains("did not answer a database report", users.GetProperty("error").GetString());

        var system = await (await client.GetWithTokenAsync("/api/admin/system", admin.AccessToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(50, system.GetProperty("rateLimits").GetProperty("perIpPerSecond").GetInt32());
        var identitySystem = system.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("service").GetString() == "identity").GetProperty("report");
        Assert.Equal(stack.Redis ? "redis" : "memory", identitySystem.GetProperty("cache").GetProperty("active").GetString());
        Assert.Equal(300, identitySystem.GetProperty("jobs").GetProperty("visibilityTimeoutSeconds").GetInt32());
    }

    [Fact]
    public async Task Raw_tokens_session_ids_keys_and_codes_are_in_neither_the_database_nor_the_logs()
    {
        var cookies = new CookieContainer();
        using var client = stack.Client(cookies: cookies);
        var signedIn = await client.SignInNewAsync();
        using var created = await client.PostWithTokenAsync("/api/identity/api-keys", signedIn.AccessToken, new { name = "secret" });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var email = IdentityApi.NewEmail();
        (await client.SendCodeAsync(email)).Dispose();
        var code = await client.LatestCodeAsync(email);
        using (var session = await client.CreateSessionAsync(email, code))
        {
            Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        }
        var sid = cookies.GetCookies(stack.GatewayA)["sid"]!.Value;

        var dump = await DumpDatabaseAsync(except: "dev_outbox");
        var logs = string.Join('\n', stack.Logs.Lines);
        foreach (var secret in new[] { signedIn.AccessToken, key, sid })
        {
            Assert.DoesNotContain(secret, dump);
            Assert.DoesNotContain(secret, logs);
        }
        Assert.Contains(key[..9], dump);
        // The code is stored only as an HMAC (the development outbox is the one deliberate exception).
        Assert.DoesNotContain($"\"{code}\"", dump);
    }

    private async Task<bool> AuditedAsync(string action, string? entityId)
    {
        await using var connection = new NpgsqlConnection(stack.IdentityDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM audit_logs WHERE action = $1 AND ($2::text IS NULL OR entity_id = $2) AND actor <> 'anonymous'", connection);
        command.Parameters.AddWithValue(action);
        command.Parameters.AddWithValue((object?)entityId ?? DBNull.Value);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    /// <summary>Every row of every table as JSON text, as a database dump would show it.</summary>
    private async Task<string> DumpDatabaseAsync(string except)
    {
        await using var connection = new NpgsqlConnection(stack.IdentityDatabase);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var dump = new System.Text.StringBuilder();
        foreach (var table in tables.Where(t => t != except))
        {
            await using var rows = new NpgsqlCommand($"SELECT coalesce(json_agg(t)::text, '') FROM \"{table}\" t", connection);
            dump.AppendLine(table).AppendLine((string)(await rows.ExecuteScalarAsync())!);
        }
        Assert.Contains("user_tokens", tables);
        return dump.ToString();
    }

    [Collection(PlatformCollection.Name)]
    public sealed class WithRedis(IdentityPlatform platform) : AdminAndSecretsTests(platform.WithRedis);

    [Collection(PlatformCollection.Name)]
    public sealed class WithoutRedis(IdentityPlatform platform) : AdminAndSecretsTests(platform.WithoutRedis);
}
