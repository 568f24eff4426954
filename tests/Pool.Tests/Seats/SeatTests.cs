using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Pool;
using Platform.Contracts.Users;

namespace Pool.Tests.Seats;

/// <summary>pool's side of the redemption saga, driven through the broker as users drives it.</summary>
public abstract class SeatTests(PoolStack stack)
{
    private sealed record Setup(Guid GroupId, Guid MotherId, UpstreamStandIn.Team Team);

    private async Task<Setup> GroupWithMotherAsync(int seatLimit = 3)
    {
        using var admin = stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var token = stack.Upstream.AddAccount("team");
        var mother = await admin.CreateMotherAsync(groupId, token, seatLimit);
        return new Setup(groupId, mother.GetProperty("id").GetGuid(), stack.Upstream.TeamsOf(token)[0]);
    }

    private RedeemCodeRedeemed Redeemed(Setup setup, string email, int seatDays = 30) =>
        new(Guid.NewGuid(), Guid.NewGuid(), email, setup.GroupId, seatDays, stack.Clock.GetUtcNow());

    [Fact]
    public async Task A_redemption_is_seated_on_a_mother_of_its_group_once_however_often_it_is_delivered()
    {
        var setup = await GroupWithMotherAsync();
        var email = PoolApi.NewEmail();
        var redeemed = Redeemed(setup, email);
        Guid[] deliveries = [Guid.NewGuid(), Guid.NewGuid()];
        await stack.Bus.PublishAsync(redeemed, deliveries[0]);
        await stack.Bus.PublishAsync(redeemed, deliveries[1]);

        var allocated = await stack.Bus.WaitForAsync<SeatAllocated>(a => a.RedemptionId == redeemed.RedemptionId);
        Assert.NotNull(allocated);
        Assert.Equal(email, allocated.Email);
        Assert.Equal(setup.MotherId, allocated.MotherId);
        Assert.Equal(setup.Team.Id, allocated.TeamId);
        Assert.InRange(allocated.ExpiresAt - stack.Clock.GetUtcNow(), TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));
        Assert.True(setup.Team.Members.ContainsKey(email));

        using var admin = stack.Admin();
        var seats = await admin.GetFromJsonAsync<JsonElement>($"/api/pool/mothers/{setup.MotherId}/seats");
        var used = seats.GetProperty("items").EnumerateArray().Where(s => s.GetProperty("status").GetString() == "used").ToList();
        Assert.Equal(email, Assert.Single(used).GetProperty("email").GetString());
        Assert.Equal(1, used[0].GetProperty("slot").GetInt32());

        // Both deliveries were consumed; only one was ever answered.
        Assert.True(await Eventually.TrueAsync(async () => await PoolApi.ScalarAsync(stack.Database,
            "SELECT count(*) FROM inbox_messages WHERE consumer = 'RedeemCodeRedeemedConsumer' AND message_id = ANY($1)", deliveries) == 2, TimeSpan.FromSeconds(10)));
        Assert.Equal(1, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM outbox_messages WHERE payload->>'redemptionId' = $1", redeemed.RedemptionId.ToString()));
        Assert.Equal(1, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE email = $1", email));
    }

    [Fact]
    public async Task An_expired_hold_is_checked_upstream_before_its_slot_is_reused()
    {
        var setup = await GroupWithMotherAsync(seatLimit: 2);
        // Two holds whose jobs died 1 minute ago: slot 1's invite reached the upstream, slot 2's did not.
        var reached = PoolApi.NewEmail();
        var lost = PoolApi.NewEmail();
        setup.Team.Members[reached] = "m-reached";
        var expired = stack.Clock.GetUtcNow().AddMinutes(-1);
        foreach (var (slot, email) in new[] { (1, reached), (2, lost) })
        {
            await PoolApi.ScalarAsync(stack.Database, """
                UPDATE seats SET status = 'held', held_until = $1, team_id = $2, email = $3, redemption_id = $4
                WHERE mother_id = $5 AND slot = $6 RETURNING 1
                """, expired, setup.Team.Id, email, Guid.NewGuid(), setup.MotherId, slot);
        }

        var redeemed = Redeemed(setup, PoolApi.NewEmail());
        await stack.Bus.PublishAsync(redeemed);
        var allocated = await stack.Bus.WaitForAsync<SeatAllocated>(a => a.RedemptionId == redeemed.RedemptionId);
        Assert.NotNull(allocated);

        using var admin = stack.Admin();
        var seats = (await admin.GetFromJsonAsync<JsonElement>($"/api/pool/mothers/{setup.MotherId}/seats"))
            .GetProperty("items").EnumerateArray()
            .ToDictionary(s => s.GetProperty("slot").GetInt32(), s => (Status: s.GetProperty("status").GetString(), Email: s.GetProperty("email").GetString()));
        Assert.Equal(("used", reached), seats[1]);
        Assert.Equal(("used", redeemed.Email), seats[2]);
        Assert.False(setup.Team.Members.ContainsKey(lost));
    }

    [Fact]
    public async Task A_full_group_answers_SeatAllocationFailed()
    {
        var setup = await GroupWithMotherAsync(seatLimit: 1);
        var first = Redeemed(setup, PoolApi.NewEmail());
        await stack.Bus.PublishAsync(first);
        Assert.NotNull(await stack.Bus.WaitForAsync<SeatAllocated>(a => a.RedemptionId == first.RedemptionId));

        var second = Redeemed(setup, PoolApi.NewEmail());
        await stack.Bus.PublishAsync(second);
        var failed = await stack.Bus.WaitForAsync<SeatAllocationFailed>(f => f.RedemptionId == second.RedemptionId);
        Assert.NotNull(failed);
        Assert.Contains("group_full", failed.Reason);
        Assert.False(setup.Team.Members.ContainsKey(second.Email));
    }

    [Fact]
    public async Task A_cancellation_during_a_late_invite_removes_the_seat_upstream_and_it_is_never_answered_allocated()
    {
        var setup = await GroupWithMotherAsync();
        var email = PoolApi.NewEmail();
        var gate = stack.Upstream.Hold("invite", email);
        var redeemed = Redeemed(setup, email);
        await stack.Bus.PublishAsync(redeemed);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(20));

        await stack.Bus.PublishAsync(new CancelSeatAllocation(redeemed.RedemptionId, stack.Clock.GetUtcNow()));
        Assert.True(await Eventually.TrueAsync(async () => await PoolApi.ScalarAsync(stack.Database,
            "SELECT count(*) FROM seat_allocations WHERE redemption_id = $1 AND cancel_requested", redeemed.RedemptionId) == 1, TimeSpan.FromSeconds(20)));
        gate.Release();

        var cancelled = await stack.Bus.WaitForAsync<SeatAllocationCancelled>(c => c.RedemptionId == redeemed.RedemptionId);
        Assert.NotNull(cancelled);
        Assert.True(cancelled.SeatRemoved);
        Assert.False(setup.Team.Members.ContainsKey(email));
        Assert.Equal(1, setup.Team.Invites);
        Assert.Equal(1, setup.Team.Removes);
        Assert.Equal(0, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE email = $1", email));
        Assert.Equal(0, await PoolApi.ScalarAsync(stack.Database,
            "SELECT count(*) FROM outbox_messages WHERE payload->>'redemptionId' = $1 AND message_type LIKE '%SeatAllocated,%'", redeemed.RedemptionId.ToString()));
        Assert.DoesNotContain(stack.Bus.For(redeemed.RedemptionId), a => a is SeatAllocated);
    }

    [Fact]
    public async Task A_cancellation_after_allocation_removes_the_seat_upstream_and_frees_the_slot()
    {
        var setup = await GroupWithMotherAsync();
        var email = PoolApi.NewEmail();
        var redeemed = Redeemed(setup, email);
        await stack.Bus.PublishAsync(redeemed);
        Assert.NotNull(await stack.Bus.WaitForAsync<SeatAllocated>(a => a.RedemptionId == redeemed.RedemptionId));

        await stack.Bus.PublishAsync(new CancelSeatAllocation(redeemed.RedemptionId, stack.Clock.GetUtcNow()));
        var cancelled = await stack.Bus.WaitForAsync<SeatAllocationCancelled>(c => c.RedemptionId == redeemed.RedemptionId);
        Assert.NotNull(cancelled);
        Assert.True(cancelled.SeatRemoved);
        Assert.False(setup.Team.Members.ContainsKey(email));
        Assert.Equal(0, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE email = $1", email));
        Assert.Equal(0, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE mother_id = $1 AND status <> 'free'", setup.MotherId));

        // A repeated cancellation is answered again, and changes nothing.
        await stack.Bus.PublishAsync(new CancelSeatAllocation(redeemed.RedemptionId, stack.Clock.GetUtcNow()));
        Assert.True(await Eventually.TrueAsync(() => stack.Bus.For(redeemed.RedemptionId).OfType<SeatAllocationCancelled>().Count() == 2, TimeSpan.FromSeconds(20)));
        Assert.Equal(1, setup.Team.Removes);
    }

    [Fact]
    public async Task A_redemption_cancelled_before_it_arrives_is_never_seated()
    {
        var setup = await GroupWithMotherAsync();
        var email = PoolApi.NewEmail();
        var redeemed = Redeemed(setup, email);
        await stack.Bus.PublishAsync(new CancelSeatAllocation(redeemed.RedemptionId, stack.Clock.GetUtcNow()));
        var cancelled = await stack.Bus.WaitForAsync<SeatAllocationCancelled>(c => c.RedemptionId == redeemed.RedemptionId);
        Assert.NotNull(cancelled);
        Assert.False(cancelled.SeatRemoved);

        var messageId = Guid.NewGuid();
        await stack.Bus.PublishAsync(redeemed, messageId);
        Assert.True(await Eventually.TrueAsync(async () => await PoolApi.ScalarAsync(stack.Database,
            "SELECT count(*) FROM inbox_messages WHERE consumer = 'RedeemCodeRedeemedConsumer' AND message_id = $1", messageId) == 1, TimeSpan.FromSeconds(20)));
        Assert.Equal(0, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM pool_jobs WHERE dedupe_key = $1", $"seat_allocate:{redeemed.RedemptionId}"));
        Assert.Equal(0, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE email = $1", email));
        Assert.Equal("cancelled", await PoolApi.TextAsync(stack.Database, "SELECT status FROM seat_allocations WHERE redemption_id = $1", redeemed.RedemptionId));
        Assert.False(setup.Team.Members.ContainsKey(email));
    }

    [Fact]
    public async Task A_seat_ends_after_its_days_the_member_is_removed_upstream_and_the_slot_freed()
    {
        var setup = await GroupWithMotherAsync();
        var email = PoolApi.NewEmail();
        var redeemed = Redeemed(setup, email, seatDays: 1);
        await stack.Bus.PublishAsync(redeemed);
        Assert.NotNull(await stack.Bus.WaitForAsync<SeatAllocated>(a => a.RedemptionId == redeemed.RedemptionId));
        Assert.True(setup.Team.Members.ContainsKey(email));

        stack.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.True(await Eventually.TrueAsync(async () => await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE email = $1", email) == 0,
            TimeSpan.FromSeconds(20)), "the seat did not end");
        Assert.False(setup.Team.Members.ContainsKey(email));
        Assert.Equal("expired", await PoolApi.TextAsync(stack.Database, "SELECT status FROM seat_allocations WHERE redemption_id = $1", redeemed.RedemptionId));
    }
}

[Collection(PoolCollection.Name)]
public sealed class SeatTestsWithRedis(PoolPlatform platform) : SeatTests(platform.WithRedis);

[Collection(PoolCollection.Name)]
public sealed class SeatTestsWithoutRedis(PoolPlatform platform) : SeatTests(platform.WithoutRedis);
