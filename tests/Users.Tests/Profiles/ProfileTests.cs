using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Contracts.Identity;

namespace Users.Tests.Profiles;

/// <summary>Profiles from claims or UserRegistered, and the admin side: listing, disabling, X-Domain, audit.</summary>
public abstract class ProfileTests(UsersStack stack)
{
    [Fact]
    public async Task The_first_request_creates_the_profile_from_verified_claims_and_people_edit_only_their_own_fields()
    {
        var id = Guid.NewGuid();
        var email = $"{id:N}@example.test";
        using var client = stack.ClientFor(id, email);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/users/me");
        Assert.Equal(id, me.GetProperty("id").GetGuid());
        Assert.Equal(email, me.GetProperty("email").GetString());
        Assert.Equal("active", me.GetProperty("status").GetString());

        using var patched = await client.PatchAsJsonAsync("/api/users/me", new { displayName = "Ada", locale = "zh-CN", email = "other@example.test" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var after = await patched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Ada", after.GetProperty("displayName").GetString());
        Assert.Equal(email, after.GetProperty("email").GetString());

        using var bad = await client.PatchAsJsonAsync("/api/users/me", new { locale = "not a locale" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task UserRegistered_creates_the_profile_before_any_request_and_a_redelivery_changes_nothing()
    {
        var id = Guid.NewGuid();
        var registered = new UserRegistered(id, $"{id:N}@example.test", null, DateTimeOffset.UtcNow);
        await stack.PublishAsync(registered);
        await stack.PublishAsync(registered);

        using var admin = stack.AdminClient();
        Assert.True(await Eventually.TrueAsync(async () => (await admin.GetAsync($"/api/users/{id}")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10)));
        var profile = await admin.GetFromJsonAsync<JsonElement>($"/api/users/{id}");
        Assert.Equal(registered.Email, profile.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Admins_list_users_with_paging_search_and_status()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var ids = await stack.CreateUsersAsync(3, marker);
        using var admin = stack.AdminClient();

        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/users?q={marker}&page=2&pageSize=2");
        Assert.Equal(3, page.GetProperty("total").GetInt64());
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        Assert.Equal(2, page.GetProperty("page").GetInt32());

        (await admin.PostAsync($"/api/users/{ids[1]}/disable", null)).EnsureSuccessStatusCode();
        var disabled = await admin.GetFromJsonAsync<JsonElement>($"/api/users?q={marker}&status=disabled");
        Assert.Equal(1, disabled.GetProperty("total").GetInt64());
        Assert.Equal(ids[1], disabled.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal("disabled", disabled.GetProperty("items")[0].GetProperty("status").GetString());
        var active = await admin.GetFromJsonAsync<JsonElement>($"/api/users?q={marker}&status=active");
        Assert.Equal(2, active.GetProperty("total").GetInt64());
        Assert.Equal(new[] { ids[0], ids[2] }.Order(), active.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).Order());
        Assert.All(active.GetProperty("items").EnumerateArray(), i => Assert.Equal("active", i.GetProperty("status").GetString()));

        using var unknownStatus = await admin.GetAsync("/api/users?status=banned");
        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus.StatusCode);
        Assert.Contains("status", (await unknownStatus.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        using var tooBig = await admin.GetAsync("/api/users?pageSize=201");
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        using var notAdmin = stack.ClientFor(Guid.NewGuid(), "x@example.test");
        using var forbidden = await notAdmin.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Disabling_needs_the_users_domain_publishes_UserDisabled_and_is_audited()
    {
        var id = Guid.NewGuid();
        using (var user = stack.ClientFor(id, $"{id:N}@example.test")) (await user.GetAsync("/api/users/me")).Dispose();

        using var noDomain = stack.AdminClient(withDomain: false);
        using var refused = await noDomain.PostAsync($"/api/users/{id}/disable", null);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("domain_mismatch", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        noDomain.DefaultRequestHeaders.Add("X-Domain", "pool");
        using var wrong = await noDomain.PostAsync($"/api/users/{id}/disable", null);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);

        using var admin = stack.AdminClient();
        using var disabled = await admin.PostAsync($"/api/users/{id}/disable", null);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal("users", disabled.Headers.GetValues("X-Domain-Ack").Single());
        Assert.Equal("disabled", (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.True(await Eventually.TrueAsync(() => stack.Disabled.Any(d => d.UserId == id), TimeSpan.FromSeconds(10)), "UserDisabled was not published");

        await using var connection = new NpgsqlConnection(stack.Database);
        await connection.OpenAsync();
        await using var audit = new NpgsqlCommand("SELECT count(*) FROM audit_logs WHERE action = 'disable_user' AND entity_id = $1", connection);
        audit.Parameters.AddWithValue(id.ToString());
        Assert.Equal(1L, await audit.ExecuteScalarAsync());

        using var missing = await admin.PostAsync($"/api/users/{Guid.NewGuid()}/disable", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Each_status_change_carries_the_next_version_of_the_users_status_and_concurrent_ones_never_share_one()
    {
        var id = Guid.NewGuid();
        using (var user = stack.ClientFor(id, $"{id:N}@example.test")) (await user.GetAsync("/api/users/me")).Dispose();
        using var admin = stack.AdminClient();

        // Disable, enable, disable: versions 1, 2, 3, whatever order the events travel in.
        foreach (var action in new[] { "disable", "enable", "disable" })
        {
            using var changed = await admin.PostAsync($"/api/users/{id}/{action}", null);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }
        // Then a burst of changes at once: each that changes the status gets a version of its own.
        var burst = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var response = await admin.PostAsync($"/api/users/{id}/{(i % 2 == 0 ? "enable" : "disable")}", null);
            return response.StatusCode;
        }));
        Assert.All(burst, status => Assert.Equal(HttpStatusCode.OK, status));

        await using var connection = new NpgsqlConnection(stack.Database);
        await connection.OpenAsync();
        await using var versions = new NpgsqlCommand("""
            SELECT (payload->>'version')::bigint FROM outbox_messages
            WHERE (message_type LIKE 'Platform.Contracts.Users.UserDisabled,%' OR message_type LIKE 'Platform.Contracts.Users.UserEnabled,%')
              AND (payload->>'userId')::uuid = $1
            ORDER BY created_at, id
            """, connection);
        versions.Parameters.AddWithValue(id);
        var published = new List<long>();
        await using (var reader = await versions.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) published.Add(reader.GetInt64(0));
        }
        Assert.Equal([1, 2, 3], published.Take(3));
        Assert.Equal(Enumerable.Range(1, published.Count).Select(v => (long)v), published.Order());
        await using var current = new NpgsqlCommand("SELECT status_version FROM user_profiles WHERE id = $1", connection);
        current.Parameters.AddWithValue(id);
        Assert.Equal((long)published.Count, await current.ExecuteScalarAsync());
        Assert.True(await Eventually.TrueAsync(() => stack.Disabled.Any(d => d.UserId == id && d.Version == 3), TimeSpan.FromSeconds(10)),
            "UserDisabled did not carry its version");
    }

    [Fact]
    public async Task Without_an_internal_token_everything_but_health_is_401()
    {
        using var anonymous = stack.ClientFor(Guid.NewGuid());
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "a-client-token-not-a-jwt");
        using var response = await anonymous.GetAsync("/api/users/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Collection(PlatformCollection.Name)]
    public sealed class WithRedis(UsersPlatform platform) : ProfileTests(platform.WithRedis);

    [Collection(PlatformCollection.Name)]
    public sealed class WithoutRedis(UsersPlatform platform) : ProfileTests(platform.WithoutRedis);
}
