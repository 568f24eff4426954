using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pool.Tests.Relay;

/// <summary>The relay stack as its tests use it: fresh accounts (every older one taken off the schedule) and message bodies.</summary>
public static class RelayWorld
{
    public sealed record Account(Guid Id, string Token);

    /// <summary>Takes every existing account off the schedule, then adds one account per priority.</summary>
    public static async Task<Account[]> FreshAccountsAsync(this PoolStack stack, params int[] priorities)
    {
        await PoolApi.ScalarAsync(stack.Database, "UPDATE mothers SET schedulable = false");
        await PoolApi.ScalarAsync(stack.Database, "DELETE FROM relay_sticky_sessions");
        using var admin = stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var accounts = new List<Account>();
        foreach (var priority in priorities)
        {
            var token = stack.Upstream.AddAccount("relay");
            using var response = await admin.PostAsJsonAsync("/api/pool/mothers",
                new { name = "relay", email = PoolApi.NewEmail(), groupId, seatLimit = 1, accessToken = token, priority });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            accounts.Add(new Account((await response.JsonAsync()).GetProperty("id").GetGuid(), token));
        }
        return [.. accounts];
    }

    public static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>A Messages request; <paramref name="marker"/> makes its first message unique (and findable at the stand-in).</summary>
    public static object Message(string marker, bool stream = false, string? system = null, string? hold = null, string model = "claude-sonnet-4-20250514") =>
        new Dictionary<string, object?>
        {
            ["model"] = model,
            ["max_tokens"] = 64,
            ["stream"] = stream,
            ["system"] = system,
            ["metadata"] = new { user_id = hold ?? "none" },
            ["messages"] = new[] { new { role = "user", content = "hi " + marker } },
        };

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, object body, string path = "/relay/v1/messages") =>
        await client.PostAsJsonAsync(path, body);

    public static Task<long> SlotsAsync(this PoolStack stack, string keyId) =>
        PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM relay_slots WHERE scope = $1", "key:" + keyId);

    public static async Task<JsonElement> UsageAsync(this PoolStack stack, string query)
    {
        using var admin = stack.Admin();
        return await admin.GetFromJsonAsync<JsonElement>("/api/pool/relay/usage?" + query);
    }
}
