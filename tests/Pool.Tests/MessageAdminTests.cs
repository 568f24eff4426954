using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Contracts.Users;

namespace Pool.Tests;

/// <summary>No message silently stuck or lost: what the outbox parked and what a consumer failed on, as an operator sees and replays it.</summary>
[Collection(PoolCollection.Name)]
public sealed class MessageAdminTests(PoolPlatform platform)
{
    private PoolStack Stack => platform.WithoutRedis;

    [Fact]
    public async Task A_message_pools_consumer_fails_on_every_time_is_listed_with_its_error_and_replaying_it_tries_again()
    {
        // users' event without the email pool needs: the consumer throws on every attempt.
        var redemptionId = Guid.NewGuid();
        await Stack.Bus.PublishAsync(new RedeemCodeRedeemed(redemptionId, Guid.NewGuid(), null!, Guid.NewGuid(), 30, DateTimeOffset.UtcNow));

        using var admin = Stack.Admin();
        JsonElement failed = default;
        Assert.True(await Eventually.TrueAsync(async () => (failed = await FailedAsync(admin, redemptionId)).ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200)), "the failed message is not listed");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(1, failed.GetProperty("failures").GetInt32());
        Assert.Contains("NullReferenceException", failed.GetProperty("error").GetString());
        Assert.EndsWith("redeem-code-redeemed", failed.GetProperty("endpoint").GetString());
        Assert.Contains("RedeemCodeRedeemed", failed.GetProperty("type").GetString());

        // Replays are admin writes: X-Domain: pool, and a grant or the admin role.
        var id = failed.GetProperty("id").GetGuid();
        using (var noDomain = await Stack.Admin(domain: null).PostAsync($"/api/pool/admin/messages/failed/{id}/replay", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noDomain.StatusCode);
        }
        using (var stranger = await Stack.Granted("pool.mothers:write").PostAsync($"/api/pool/admin/messages/failed/{id}/replay", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        }
        using (var replayed = await admin.PostAsync($"/api/pool/admin/messages/failed/{id}/replay", null))
        {
            Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
            Assert.Equal("replayed", (await replayed.JsonAsync()).GetProperty("status").GetString());
        }
        // Still wrong, it fails its retries again and is back on the list, counted twice.
        Assert.True(await Eventually.TrueAsync(async () => (await FailedAsync(admin, redemptionId)).GetProperty("failures").GetInt32() == 2,
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200)), "the replayed message did not reach its consumer again");
        Assert.Equal("failed", (await FailedAsync(admin, redemptionId)).GetProperty("status").GetString());
        Assert.Equal(1, await PoolApi.ScalarAsync(Stack.Database, "SELECT count(*) FROM audit_logs WHERE action = 'replay_failed_message' AND entity_id = $1", id.ToString()));
    }

    [Fact]
    public async Task An_outbox_row_that_cannot_be_published_is_parked_listed_and_replayable_while_the_rows_behind_it_go_out()
    {
        var bad = Guid.CreateVersion7();
        await using (var connection = new NpgsqlConnection(Stack.Database))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO outbox_messages (id, message_type, payload, created_at, attempts) VALUES ($1, 'Gone.Event, Gone', '{}'::jsonb, now() - interval '1 minute', 0)
                """, connection);
            insert.Parameters.AddWithValue(bad);
            await insert.ExecuteNonQueryAsync();
        }
        // A real event written after it still goes out: a redemption pool cannot seat answers SeatAllocationFailed.
        var redemptionId = Guid.NewGuid();
        await Stack.Bus.PublishAsync(new RedeemCodeRedeemed(redemptionId, Guid.NewGuid(), "someone@example.test", Guid.NewGuid(), 99999, DateTimeOffset.UtcNow));
        Assert.NotNull(await Stack.Bus.WaitForAsync<Platform.Contracts.Pool.SeatAllocationFailed>(f => f.RedemptionId == redemptionId, TimeSpan.FromSeconds(30)));

        using var admin = Stack.Admin();
        JsonElement parked = default;
        Assert.True(await Eventually.TrueAsync(async () => (parked = await ParkedAsync(admin, bad)).ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200)), "the row was not parked");
        Assert.Equal(5, parked.GetProperty("attempts").GetInt32());
        Assert.Contains("Gone.Event", parked.GetProperty("lastError").GetString());

        using (var replayed = await admin.PostAsync($"/api/pool/admin/messages/outbox/{bad}/replay", null))
        {
            Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        }
        using (var again = await admin.PostAsync($"/api/pool/admin/messages/outbox/{Guid.NewGuid()}/replay", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
        // Tried afresh, and parked again once its attempts are spent.
        Assert.True(await Eventually.TrueAsync(async () => (await ParkedAsync(admin, bad)).ValueKind == JsonValueKind.Object
            && await PoolApi.ScalarAsync(Stack.Database, "SELECT count(*) FROM audit_logs WHERE action = 'replay_outbox_message' AND entity_id = $1", bad.ToString()) == 1,
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200)), "the replayed row was not tried again");
    }

    private static async Task<JsonElement> FailedAsync(HttpClient admin, Guid redemptionId)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/pool/admin/messages/failed?pageSize=200");
        return page.GetProperty("items").EnumerateArray()
            .FirstOrDefault(m => m.GetProperty("payload").TryGetProperty("redemptionId", out var id) && id.GetGuid() == redemptionId);
    }

    private static async Task<JsonElement> ParkedAsync(HttpClient admin, Guid id)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/pool/admin/messages/outbox?pageSize=200");
        return page.GetProperty("items").EnumerateArray().FirstOrDefault(m => m.GetProperty("id").GetGuid() == id);
    }
}
