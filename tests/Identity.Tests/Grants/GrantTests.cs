using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.ServiceDefaults.Auth;

namespace Identity.Tests.Grants;

/// <summary>Per-resource grants (docs/identity.md, "Roles and grants"): managed by administrators, applied by method.</summary>
public abstract class GrantTests(Stack stack)
{
    [Fact]
    public async Task A_read_grant_opens_reads_only_a_write_grant_opens_writes_and_a_revoked_grant_closes_both_at_once()
    {
        using var client = stack.Client();
        var admin = await stack.SignInAdminAsync(client);
        var someone = await client.SignInNewAsync();
        var ban = new { kind = "ip", value = "203.0.113.9", durationSeconds = 60, reason = "test" };

        using (var before = await client.GetWithTokenAsync("/api/identity/admin/bans", someone.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
            // The refusal names the grant to ask for, so a client can say so.
            var problem = await before.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("missing_grant", problem.GetProperty("code").GetString());
            Assert.Contains("identity.bans grant (read)", problem.GetProperty("detail").GetString());
        }

        using (var granted = await GrantAsync(client, admin, someone.UserId, Permissions.Identity.Bans, "read"))
        {
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        }
        // The gateway cached the user without the grant; UserPermissionsChanged drops that.
        Assert.True(await StatusBecomesAsync(client, HttpMethod.Get, "/api/identity/admin/bans", someone, HttpStatusCode.OK));
        using (var write = await client.PostWithTokenAsync("/api/identity/admin/bans", someone.AccessToken, ban))
        {
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
            Assert.Contains("identity.bans grant (write)", (await write.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        // A grant on bans is not a grant on anything else.
        using (var users = await client.GetWithTokenAsync("/api/identity/admin/users", someone.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, users.StatusCode);
        }

        (await GrantAsync(client, admin, someone.UserId, Permissions.Identity.Bans, "write")).Dispose();
        Assert.True(await StatusBecomesAsync(client, HttpMethod.Post, "/api/identity/admin/bans", someone, HttpStatusCode.Created, ban));
        using (var read = await client.GetWithTokenAsync("/api/identity/admin/bans", someone.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        using (var revoked = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/identity/admin/users/{someone.UserId}/permissions/{Permissions.Identity.Bans}").WithBearer(admin.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }
        Assert.True(await StatusBecomesAsync(client, HttpMethod.Get, "/api/identity/admin/bans", someone, HttpStatusCode.Forbidden));
        Assert.True(await AuditedAsync("grant_permission", someone.UserId) && await AuditedAsync("revoke_permission", someone.UserId));
    }

    [Fact]
    public async Task Only_administrators_manage_grants_and_bad_grants_are_refused_by_name()
    {
        using var client = stack.Client();
        var admin = await stack.SignInAdminAsync(client);
        var someone = await client.SignInNewAsync();
        (await GrantAsync(client, admin, someone.UserId, Permissions.Identity.Users, "write")).Dispose();

        // Holding a grant does not let anyone hand out grants, to others or to themselves.
        Assert.True(await StatusBecomesAsync(client, HttpMethod.Get, "/api/identity/admin/users", someone, HttpStatusCode.OK));
        using (var selfGrant = await GrantAsync(client, someone, someone.UserId, Permissions.Pool.Mothers, "write"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, selfGrant.StatusCode);
        }
        using (var selfAdmin = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/identity/admin/users/{someone.UserId}/roles/admin").WithBearer(someone.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, selfAdmin.StatusCode);
        }

        using (var unknown = await GrantAsync(client, admin, someone.UserId, "pool.everything", "write"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Equal("unknown_resource", await unknown.ProblemCodeAsync());
        }
        using (var access = await GrantAsync(client, admin, someone.UserId, Permissions.Pool.Mothers, "admin"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, access.StatusCode);
            Assert.Equal("invalid_access", await access.ProblemCodeAsync());
        }
        using (var nobody = await GrantAsync(client, admin, Guid.NewGuid(), Permissions.Pool.Mothers, "read"))
        {
            Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        }
        using (var notHeld = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/identity/admin/users/{someone.UserId}/permissions/{Permissions.Pool.Jobs}").WithBearer(admin.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.NotFound, notHeld.StatusCode);
        }

        var catalogue = await (await client.GetWithTokenAsync("/api/identity/admin/permissions", admin.AccessToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(catalogue.EnumerateArray(), r => r.GetProperty("resource").GetString() == Permissions.Pool.Mothers && r.GetProperty("service").GetString() == "pool");
        var listed = await (await client.GetWithTokenAsync($"/api/identity/admin/users/{someone.UserId}/permissions", admin.AccessToken)).Content.ReadFromJsonAsync<JsonElement>();
        var grant = Assert.Single(listed.GetProperty("grants").EnumerateArray());
        Assert.Equal((Permissions.Identity.Users, "write", admin.UserId.ToString()),
            (grant.GetProperty("resource").GetString(), grant.GetProperty("access").GetString(), grant.GetProperty("grantedBy").GetString()));
    }

    [Fact]
    public async Task Concurrent_grants_to_one_user_all_land_and_the_last_word_wins_without_errors()
    {
        using var client = stack.Client();
        var admin = await stack.SignInAdminAsync(client);
        var someone = await client.SignInNewAsync();

        var answers = await Task.WhenAll(Permissions.Resources.Select(async resource =>
        {
            using var response = await GrantAsync(client, admin, someone.UserId, resource, "read");
            return response.StatusCode;
        }).Concat(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await GrantAsync(client, admin, someone.UserId, Permissions.Pool.Mothers, "write");
            return response.StatusCode;
        })));
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));

        var listed = await (await client.GetWithTokenAsync($"/api/identity/admin/users/{someone.UserId}/permissions", admin.AccessToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Permissions.Resources.Count, listed.GetProperty("grants").GetArrayLength());
    }

    [Fact]
    public async Task A_service_receives_only_its_own_grants_in_the_internal_token()
    {
        using var client = stack.Client();
        var admin = await stack.SignInAdminAsync(client);
        var someone = await client.SignInNewAsync();
        (await GrantAsync(client, admin, someone.UserId, Permissions.Users.Profiles, "read")).Dispose();
        (await GrantAsync(client, admin, someone.UserId, Permissions.Pool.Mothers, "write")).Dispose();

        // The users destination is a probe that answers with the headers it received.
        IDictionary<string, object>? claims = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            using var response = await client.GetWithTokenAsync("/api/users/probe", someone.AccessToken);
            var received = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
            claims = await stack.ValidInternalClaimsAsync(received!["authorization"], "users");
            return claims.ContainsKey(InternalClaims.Permissions);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20)));
        Assert.Equal("users.profiles:read", claims![InternalClaims.Permissions].ToString());
    }

    [Fact]
    public async Task Me_names_the_callers_roles_and_grants_so_a_console_can_choose_its_pages()
    {
        using var client = stack.Client();
        var admin = await stack.SignInAdminAsync(client);
        var someone = await client.SignInNewAsync();
        (await GrantAsync(client, admin, someone.UserId, Permissions.Users.Profiles, "read")).Dispose();
        (await GrantAsync(client, admin, someone.UserId, Permissions.Pool.Groups, "write")).Dispose();

        using (var me = await client.GetWithTokenAsync("/api/identity/me", someone.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            using var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
            Assert.DoesNotContain("admin", body.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal(["pool.groups:write", "users.profiles:read"],
                body.RootElement.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        }
        using (var me = await client.GetWithTokenAsync("/api/identity/me", admin.AccessToken))
        {
            using var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
            Assert.Contains("admin", body.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            Assert.Empty(body.RootElement.GetProperty("permissions").EnumerateArray());
        }
    }

    [Fact]
    public async Task The_audit_log_lists_a_grant_newest_first_to_administrators_only_and_refuses_a_bad_page()
    {
        using var client = stack.Client();
        var admin = await stack.SignInAdminAsync(client);
        var someone = await client.SignInNewAsync();
        (await GrantAsync(client, admin, someone.UserId, Permissions.Pool.Jobs, "read")).Dispose();
        (await GrantAsync(client, admin, someone.UserId, Permissions.Pool.Jobs, "write")).Dispose();

        using var answer = await client.GetWithTokenAsync($"/api/identity/admin/audit?entityId={someone.UserId}&action=grant_permission", admin.AccessToken);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var audit = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, audit.GetProperty("total").GetInt64());
        var rows = audit.GetProperty("items").EnumerateArray().ToList();
        Assert.True(rows[0].GetProperty("id").GetInt64() > rows[1].GetProperty("id").GetInt64(), "newest first");
        Assert.Contains("write", rows[0].GetProperty("after").GetString());
        Assert.StartsWith(admin.UserId.ToString(), rows[0].GetProperty("actor").GetString());
        Assert.All(rows, r => Assert.Equal(someone.UserId.ToString(), r.GetProperty("entityId").GetString()));

        using (var notAdmin = await client.GetWithTokenAsync("/api/identity/admin/audit", someone.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
            Assert.Equal("admin_only", await notAdmin.ProblemCodeAsync());
        }
        using (var badPage = await client.GetWithTokenAsync("/api/identity/admin/audit?pageSize=1000", admin.AccessToken))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        }
    }

    private static Task<HttpResponseMessage> GrantAsync(HttpClient client, IdentityApi.SignedIn by, Guid userId, string resource, string access) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/identity/admin/users/{userId}/permissions/{resource}")
        {
            Content = JsonContent.Create(new { access }),
        }.WithBearer(by.AccessToken));

    /// <summary>Whether the request's answer turns to <paramref name="expected"/> within two seconds.</summary>
    private static Task<bool> StatusBecomesAsync(HttpClient client, HttpMethod method, string path, IdentityApi.SignedIn caller, HttpStatusCode expected, object? body = null) =>
        Eventually.TrueAsync(async () =>
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) }.WithBearer(caller.AccessToken));
            return response.StatusCode == expected;
        }, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(20));

    private async Task<bool> AuditedAsync(string action, Guid userId)
    {
        await using var connection = new NpgsqlConnection(stack.IdentityDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM audit_logs WHERE action = $1 AND entity_id = $2", connection);
        command.Parameters.AddWithValue(action);
        command.Parameters.AddWithValue(userId.ToString());
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    [Collection(PlatformCollection.Name)]
    public sealed class WithRedis(IdentityPlatform platform) : GrantTests(platform.WithRedis);

    [Collection(PlatformCollection.Name)]
    public sealed class WithoutRedis(IdentityPlatform platform) : GrantTests(platform.WithoutRedis);
}
