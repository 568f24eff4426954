using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Contracts.Pool;
using Users.Api.Redemptions;

namespace Users.Tests.Redemptions;

/// <summary>
/// Redeem codes and the users side of the redemption saga. The test bus answers as pool would, over the real
/// broker; the whole saga with pool itself is in the end-to-end tests.
/// </summary>
public abstract class RedemptionTests(UsersStack stack)
{
    private static readonly Guid Group = Guid.NewGuid();

    [Fact]
    public async Task A_batch_returns_its_plain_codes_once_as_json_or_csv_and_stores_only_hashes()
    {
        using var admin = stack.AdminClient();
        using var created = await admin.PostAsJsonAsync("/api/users/redeem-codes", new { count = 5, poolGroupId = Group, seatDays = 30, prefix = "vip-" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var codes = body.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(5, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^VIP-[0-9A-Z]{25}$", c));

        var batchId = body.GetProperty("batchId").GetGuid();
        var listed = await admin.GetStringAsync($"/api/users/redeem-codes?batchId={batchId}");
        Assert.Contains("\"total\":5", listed);
        Assert.All(codes, c => Assert.DoesNotContain(c, listed));
        var dump = await DumpAsync("redeem_codes");
        Assert.All(codes, c => Assert.DoesNotContain(c, dump, StringComparison.OrdinalIgnoreCase));

        var csvRequest = new HttpRequestMessage(HttpMethod.Post, "/api/users/redeem-codes") { Content = JsonContent.Create(new { count = 3, poolGroupId = Group, seatDays = 7 }) };
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        using var csv = await admin.SendAsync(csvRequest);
        Assert.Equal(HttpStatusCode.Created, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Trim().Split('\n');
        Assert.Equal("code,batch_id,pool_group_id,seat_days,expires_at", lines[0]);
        Assert.Equal(4, lines.Length);
    }

    [Theory]
    [InlineData(0, 30, null)]
    [InlineData(10001, 30, null)]
    [InlineData(1, 0, null)]
    [InlineData(1, 30, "bad prefix!")]
    [InlineData(1, 3651, null)]
    public async Task Bad_batches_are_400(int count, int seatDays, string? prefix)
    {
        using var admin = stack.AdminClient();
        using var response = await admin.PostAsJsonAsync("/api/users/redeem-codes", new { count, poolGroupId = Group, seatDays, prefix });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Codes_are_made_for_every_seat_term_pool_seats_and_for_none_it_refuses()
    {
        using var admin = stack.AdminClient();
        using (var longest = await admin.PostAsJsonAsync("/api/users/redeem-codes", new { count = 1, poolGroupId = Group, seatDays = 3650 }))
        {
            Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
        }
        foreach (var seatDays in new[] { 3651, 3660 })
        {
            using var tooLong = await admin.PostAsJsonAsync("/api/users/redeem-codes", new { count = 1, poolGroupId = Group, seatDays });
            Assert.Equal("invalid_seat_days", await CodeOf(tooLong, HttpStatusCode.BadRequest));
        }
    }

    [Fact]
    public async Task An_answer_being_applied_when_the_reservation_times_out_wins_and_no_cancellation_follows()
    {
        var code = await NewCodeAsync();
        var id = Guid.NewGuid();
        using var client = stack.ClientFor(id, $"{id:N}@example.test");
        var redemptionId = await RedeemAsync(client, code);
        var codeId = await stack.ScalarAsync<Guid>("SELECT code_id FROM redemptions WHERE id = $1", redemptionId);

        // Hold the code's row, so pool's answer stops half-way: after reading the redemption, before the code.
        await using var holder = new NpgsqlConnection(stack.Database);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockCode = new NpgsqlCommand("SELECT id FROM redeem_codes WHERE id = $1 FOR UPDATE", holder, hold))
        {
            lockCode.Parameters.AddWithValue(codeId);
            await lockCode.ExecuteScalarAsync();
        }
        await stack.PublishAsync(new SeatAllocated(redemptionId, Guid.NewGuid(), "team-1", $"{id:N}@example.test", DateTimeOffset.UtcNow.AddDays(30)));
        Assert.True(await Eventually.TrueAsync(async () => await stack.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0, TimeSpan.FromSeconds(10)),
            "the answer never reached the code");

        // The reservation times out now, while the answer is in flight: the timeout job runs (and so does the background one).
        stack.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var timeouts = stack.Services.GetServices<IHostedService>().OfType<RedemptionTimeouts>().Single();
        await timeouts.CancelOverdueAsync(CancellationToken.None);
        await hold.CommitAsync();

        // One outcome: fulfilled, the code used, and no cancellation asked of pool (which would remove the seat).
        await PollAsync(client, redemptionId, "fulfilled");
        Assert.Equal("used", await stack.ScalarAsync<string>("SELECT status FROM redeem_codes WHERE id = $1", codeId));
        Assert.Equal(0, await timeouts.CancelOverdueAsync(CancellationToken.None));
        Assert.Equal(0L, await stack.ScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Platform.Contracts.Users.CancelSeatAllocation,%' AND (payload->>'redemptionId')::uuid = $1", redemptionId));
    }

    [Fact]
    public async Task Twenty_concurrent_redemptions_of_one_code_give_one_202_and_nineteen_409_and_pool_seats_the_winner()
    {
        var code = await NewCodeAsync();
        var users = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        var responses = await Task.WhenAll(users.Select(async id =>
        {
            using var client = stack.ClientFor(id, $"{id:N}@example.test");
            using var response = await client.PostAsJsonAsync("/api/users/redemptions", new { code });
            return (id, response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = responses.Single(r => r.StatusCode == HttpStatusCode.Accepted);
        var redemptionId = winner.Body.GetProperty("id").GetGuid();
        Assert.Equal("pending", winner.Body.GetProperty("status").GetString());

        // users asked pool for a seat, with the winner's verified email and the code's group.
        Assert.True(await Eventually.TrueAsync(() => stack.Redeemed.Any(r => r.RedemptionId == redemptionId), TimeSpan.FromSeconds(10)));
        var asked = stack.Redeemed.Single(r => r.RedemptionId == redemptionId);
        Assert.Equal((winner.id, $"{winner.id:N}@example.test", Group, 30), (asked.UserId, asked.Email, asked.PoolGroupId, asked.SeatDays));

        var motherId = Guid.NewGuid();
        await stack.PublishAsync(new SeatAllocated(redemptionId, motherId, "team-1", asked.Email, DateTimeOffset.UtcNow.AddDays(30)));
        using var owner = stack.ClientFor(winner.id, asked.Email);
        var fulfilled = await PollAsync(owner, redemptionId, "fulfilled");
        var seat = fulfilled.GetProperty("seat");
        Assert.Equal(motherId, seat.GetProperty("motherId").GetGuid());
        Assert.Equal(asked.Email, seat.GetProperty("email").GetString());

        using var again = await owner.PostAsJsonAsync("/api/users/redemptions", new { code });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var page = await owner.GetFromJsonAsync<JsonElement>("/api/users/redemptions");
        Assert.Equal(1, page.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_failed_allocation_returns_the_code_for_another_try()
    {
        var code = await NewCodeAsync();
        var id = Guid.NewGuid();
        using var client = stack.ClientFor(id, $"{id:N}@example.test");
        var redemptionId = await RedeemAsync(client, code);

        await stack.PublishAsync(new SeatAllocationFailed(redemptionId, "the group is full"));
        var failed = await PollAsync(client, redemptionId, "failed");
        Assert.Equal("the group is full", failed.GetProperty("reason").GetString());

        using var retried = await client.PostAsJsonAsync("/api/users/redemptions", new { code });
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
    }

    [Fact]
    public async Task An_unanswered_reservation_is_cancelled_a_late_seat_is_ignored_and_the_code_returns_only_when_pool_confirms()
    {
        var code = await NewCodeAsync();
        var id = Guid.NewGuid();
        using var client = stack.ClientFor(id, $"{id:N}@example.test");
        var redemptionId = await RedeemAsync(client, code);

        stack.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.True(await Eventually.TrueAsync(() => stack.Cancels.Any(c => c.RedemptionId == redemptionId), TimeSpan.FromSeconds(10)), "CancelSeatAllocation was not sent");

        // pool seated it late: users does not count it, pool will remove it and confirm the cancellation.
        await stack.PublishAsync(new SeatAllocated(redemptionId, Guid.NewGuid(), "team-late", $"{id:N}@example.test", DateTimeOffset.UtcNow.AddDays(30)));
        await stack.PublishAsync(new SeatAllocationCancelled(redemptionId, SeatRemoved: true));
        await PollAsync(client, redemptionId, "failed");

        using var other = stack.ClientFor(Guid.NewGuid(), "someone@example.test");
        using var reused = await other.PostAsJsonAsync("/api/users/redemptions", new { code });
        Assert.Equal(HttpStatusCode.Accepted, reused.StatusCode);
        Assert.Equal(1, stack.Cancels.Count(c => c.RedemptionId == redemptionId));
    }

    [Fact]
    public async Task Unknown_disabled_and_expired_codes_are_400_and_a_redeemer_without_email_is_400_email_required()
    {
        var id = Guid.NewGuid();
        using var client = stack.ClientFor(id, $"{id:N}@example.test");
        using var unknown = await client.PostAsJsonAsync("/api/users/redemptions", new { code = "NO-SUCH-CODE" });
        Assert.Equal("invalid_code", await CodeOf(unknown, HttpStatusCode.BadRequest));

        using var admin = stack.AdminClient();
        using var created = await admin.PostAsJsonAsync("/api/users/redeem-codes", new { count = 1, poolGroupId = Group, seatDays = 30 });
        var batch = await created.Content.ReadFromJsonAsync<JsonElement>();
        var batchId = batch.GetProperty("batchId").GetGuid();
        var disabledCode = batch.GetProperty("codes")[0].GetString();
        using (var disable = await admin.PostAsync($"/api/users/redeem-codes/batches/{batchId}/disable", null)) Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        using var disabled = await client.PostAsJsonAsync("/api/users/redemptions", new { code = disabledCode });
        Assert.Equal("code_disabled", await CodeOf(disabled, HttpStatusCode.BadRequest));

        var expiring = await NewCodeAsync(expiresAt: stack.Clock.GetUtcNow().AddMinutes(1));
        stack.Clock.Advance(TimeSpan.FromMinutes(2));
        using var expired = await client.PostAsJsonAsync("/api/users/redemptions", new { code = expiring });
        Assert.Equal("code_expired", await CodeOf(expired, HttpStatusCode.BadRequest));

        using var phoneOnly = stack.ClientFor(Guid.NewGuid());
        using var noEmail = await phoneOnly.PostAsJsonAsync("/api/users/redemptions", new { code = await NewCodeAsync() });
        Assert.Equal("email_required", await CodeOf(noEmail, HttpStatusCode.BadRequest));
    }

    private async Task<string> NewCodeAsync(DateTimeOffset? expiresAt = null)
    {
        using var admin = stack.AdminClient();
        using var created = await admin.PostAsJsonAsync("/api/users/redeem-codes", new { count = 1, poolGroupId = Group, seatDays = 30, expiresAt });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("codes")[0].GetString()!;
    }

    private static async Task<Guid> RedeemAsync(HttpClient client, string code)
    {
        using var response = await client.PostAsJsonAsync("/api/users/redemptions", new { code });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, Guid redemptionId, string status)
    {
        JsonElement last = default;
        var reached = await Eventually.TrueAsync(async () =>
        {
            last = await client.GetFromJsonAsync<JsonElement>($"/api/users/redemptions/{redemptionId}");
            return last.GetProperty("status").GetString() == status;
        }, TimeSpan.FromSeconds(10));
        Assert.True(reached, $"redemption {redemptionId} never became {status}: {last}");
        return last;
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
    }

    private async Task<string> DumpAsync(string table)
    {
        await using var connection = new NpgsqlConnection(stack.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT coalesce(json_agg(t)::text, '') FROM {table} t", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Collection(PlatformCollection.Name)]
    public sealed class WithRedis(UsersPlatform platform) : RedemptionTests(platform.WithRedis);

    [Collection(PlatformCollection.Name)]
    public sealed class WithoutRedis(UsersPlatform platform) : RedemptionTests(platform.WithoutRedis);
}
