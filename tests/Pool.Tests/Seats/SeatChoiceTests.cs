using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Contracts.Pool;
using Platform.Contracts.Users;

namespace Pool.Tests.Seats;

/// <summary>
/// Which mother of a group a redemption is seated on: fullest first, the oldest
/// among equals; expired or refused mothers are marked invalid and passed over; contention goes to the next seat.
/// </summary>
public abstract class SeatChoiceTests(PoolStack stack)
{
    private sealed record MotherSetup(Guid Id, string Token, UpstreamStandIn.Team Team);

    /// <summary>A group with <paramref name="count"/> mothers of one team each, created oldest first.</summary>
    private async Task<(Guid GroupId, List<MotherSetup> Mothers)> GroupWithMothersAsync(int count, int seatLimit = 2)
    {
        using var admin = stack.Admin();
        var groupId = await admin.CreateGroupAsync();
        var mothers = new List<MotherSetup>();
        for (var i = 0; i < count; i++)
        {
            var token = stack.Upstream.AddAccount("team");
            var mother = await admin.CreateMotherAsync(groupId, token, seatLimit);
            mothers.Add(new(mother.GetProperty("id").GetGuid(), token, stack.Upstream.TeamsOf(token)[0]));
        }
        return (groupId, mothers);
    }

    /// <summary>A seat some earlier redemption took.</summary>
    private Task SeatTakenAsync(MotherSetup mother, int slot) =>
        PoolApi.ScalarAsync(stack.Database, """
            UPDATE seats SET status = 'used', team_id = $2, email = $3, redemption_id = $4 WHERE mother_id = $1 AND slot = $5 RETURNING 1
            """, mother.Id, mother.Team.Id, PoolApi.NewEmail(), Guid.NewGuid(), slot);

    private RedeemCodeRedeemed Redeemed(Guid groupId, string? email = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), email ?? PoolApi.NewEmail(), groupId, 30, stack.Clock.GetUtcNow());

    /// <summary>pool's answer to the redemption: SeatAllocated or SeatAllocationFailed.</summary>
    private async Task<object> AnswerAsync(Guid redemptionId)
    {
        Assert.True(await Eventually.TrueAsync(() => stack.Bus.For(redemptionId).Any(), TimeSpan.FromSeconds(30)), $"redemption {redemptionId} was never answered");
        return stack.Bus.For(redemptionId).First();
    }

    private async Task<object> AllocateAsync(Guid groupId, string? email = null)
    {
        var redeemed = Redeemed(groupId, email);
        await stack.Bus.PublishAsync(redeemed);
        return await AnswerAsync(redeemed.RedemptionId);
    }

    private async Task<string?> StatusOfAsync(Guid motherId)
    {
        using var admin = stack.Admin();
        return (await admin.GetFromJsonAsync<JsonElement>($"/api/pool/mothers/{motherId}")).GetProperty("status").GetString();
    }

    [Fact]
    public async Task The_fullest_mother_is_filled_first_and_among_equally_full_ones_the_oldest()
    {
        var (groupId, mothers) = await GroupWithMothersAsync(3);
        // The newest mother already seats someone: being fuller, it goes before the two older, empty ones.
        await SeatTakenAsync(mothers[2], 1);

        var chosen = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            chosen.Add(Assert.IsType<SeatAllocated>(await AllocateAsync(groupId)).MotherId);
        }

        // Newest (now full), then the oldest until it is full, then the next: one mother is filled before the next.
        Assert.Equal([mothers[2].Id, mothers[0].Id, mothers[0].Id, mothers[1].Id, mothers[1].Id], chosen);
        var failed = Assert.IsType<SeatAllocationFailed>(await AllocateAsync(groupId));
        Assert.Contains("group_full", failed.Reason);
        Assert.All(mothers, m => Assert.Equal(m == mothers[2] ? 1 : 2, m.Team.Invites));
    }

    [Fact]
    public async Task A_mother_whose_token_expired_is_marked_invalid_and_skipped_until_it_gets_a_new_token()
    {
        var (groupId, mothers) = await GroupWithMothersAsync(2);
        // The older mother is also the fuller one: only its expired token keeps it from being chosen.
        await SeatTakenAsync(mothers[0], 1);
        await PoolApi.ScalarAsync(stack.Database, "UPDATE mothers SET token_expires_at = $2 WHERE id = $1 RETURNING 1",
            mothers[0].Id, stack.Clock.GetUtcNow().AddMinutes(-1));

        var first = Assert.IsType<SeatAllocated>(await AllocateAsync(groupId));
        Assert.Equal(mothers[1].Id, first.MotherId);
        Assert.Equal("invalid", await StatusOfAsync(mothers[0].Id));
        Assert.Equal(0, mothers[0].Team.Invites);

        // A renewed token without an expiry gets the default 40 days and makes the mother usable again; as full as
        // the other and older, it is chosen next.
        using var admin = stack.Admin();
        using (var renewed = await admin.PatchAsJsonAsync($"/api/pool/mothers/{mothers[0].Id}", new { accessToken = stack.Upstream.IssueToken(mothers[0].Token) }))
        {
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
            var body = await renewed.JsonAsync();
            Assert.Equal("active", body.GetProperty("status").GetString());
            Assert.InRange(body.GetProperty("tokenExpiresAt").GetDateTimeOffset() - stack.Clock.GetUtcNow(), TimeSpan.FromDays(39.9), TimeSpan.FromDays(40));
        }
        var second = Assert.IsType<SeatAllocated>(await AllocateAsync(groupId));
        Assert.Equal(mothers[0].Id, second.MotherId);
        Assert.Equal(1, mothers[0].Team.Invites);
    }

    [Fact]
    public async Task A_mother_the_upstream_refuses_during_the_invite_is_marked_invalid_and_the_next_one_seats_the_redeemer()
    {
        var (groupId, mothers) = await GroupWithMothersAsync(2);
        await SeatTakenAsync(mothers[0], 1);
        // The upstream revoked the fullest mother's token after it was created: its invite answers 401.
        stack.Upstream.Revoke(mothers[0].Token);

        var email = PoolApi.NewEmail();
        var allocated = Assert.IsType<SeatAllocated>(await AllocateAsync(groupId, email));
        Assert.Equal(mothers[1].Id, allocated.MotherId);
        Assert.Equal(mothers[1].Team.Id, allocated.TeamId);
        Assert.True(mothers[1].Team.Members.ContainsKey(email));
        Assert.False(mothers[0].Team.Members.ContainsKey(email));
        Assert.Equal("invalid", await StatusOfAsync(mothers[0].Id));
        // The seat held on the refused mother for the invite was let go.
        Assert.Equal(1, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE mother_id = $1 AND status <> 'free'", mothers[0].Id));
        Assert.Equal(0, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE mother_id = $1 AND email = $2", mothers[0].Id, email));

        // The invalid mother stays out of the choice.
        var next = Assert.IsType<SeatAllocated>(await AllocateAsync(groupId));
        Assert.Equal(mothers[1].Id, next.MotherId);
    }

    [Fact]
    public async Task An_allocation_that_collides_with_a_concurrent_one_is_retried_in_the_same_attempt_and_seated_on_another_mother()
    {
        var (groupId, mothers) = await GroupWithMothersAsync(2);
        var email = PoolApi.NewEmail();

        // A rival allocation of the same email holds slot 1 of the first mother's only team, not yet committed.
        await using var rival = new NpgsqlConnection(stack.Database);
        await rival.OpenAsync();
        await using var transaction = await rival.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("""
            UPDATE seats SET status = 'held', held_until = $2, team_id = $3, email = $4, redemption_id = $5 WHERE mother_id = $1 AND slot = 1
            """, rival, transaction))
        {
            hold.Parameters.AddWithValue(mothers[0].Id);
            hold.Parameters.AddWithValue(stack.Clock.GetUtcNow().AddMinutes(5));
            hold.Parameters.AddWithValue(mothers[0].Team.Id);
            hold.Parameters.AddWithValue(email);
            hold.Parameters.AddWithValue(Guid.NewGuid());
            Assert.Equal(1, await hold.ExecuteNonQueryAsync());
        }

        var redeemed = Redeemed(groupId, email);
        await stack.Bus.PublishAsync(redeemed);
        // Not seeing the rival's uncommitted seat, the allocation takes slot 2 of the same team and waits on the
        // (team, email) key; the rival's commit makes that a unique violation.
        Assert.True(await Eventually.TrueAsync(async () => await PoolApi.ScalarAsync(stack.Database, """
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%seats%'
            """) > 0, TimeSpan.FromSeconds(30)), "the allocation never waited on the rival's seat");
        await transaction.CommitAsync();

        var allocated = Assert.IsType<SeatAllocated>(await AnswerAsync(redeemed.RedemptionId));
        Assert.Equal(mothers[1].Id, allocated.MotherId);
        Assert.True(mothers[1].Team.Members.ContainsKey(email));
        // Retried inside the handler, not by failing the job's attempt.
        Assert.Equal(1, await PoolApi.ScalarAsync(stack.Database, "SELECT attempts FROM pool_jobs WHERE dedupe_key = $1", $"seat_allocate:{redeemed.RedemptionId}"));
        Assert.Equal(0, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE mother_id = $1 AND slot = 2 AND status <> 'free'", mothers[0].Id));
    }

    [Fact]
    public async Task Concurrent_allocations_for_the_last_free_seats_never_over_allocate_and_spread_over_the_mothers()
    {
        var (groupId, mothers) = await GroupWithMothersAsync(3);
        foreach (var mother in mothers)
        {
            await SeatTakenAsync(mother, 1);
        }
        // Eight redemptions for the three seats left, three of them for one email (which may take one seat per team).
        var shared = PoolApi.NewEmail();
        var redemptions = Enumerable.Range(0, 8).Select(i => Redeemed(groupId, i < 3 ? shared : null)).ToList();
        await Task.WhenAll(redemptions.Select(r => stack.Bus.PublishAsync(r)));

        var answers = new List<object>();
        foreach (var redemption in redemptions)
        {
            answers.Add(await AnswerAsync(redemption.RedemptionId));
        }
        Assert.All(redemptions, r => Assert.Single(stack.Bus.For(r.RedemptionId)));
        var allocated = answers.OfType<SeatAllocated>().ToList();
        var failed = answers.OfType<SeatAllocationFailed>().ToList();
        Assert.Equal(3, allocated.Count);
        Assert.Equal(5, failed.Count);
        Assert.All(failed, f => Assert.Contains("group_full", f.Reason));
        // The requests that met on the first mother's last seat were seated on the others.
        Assert.Equal(mothers.Select(m => m.Id).Order(), allocated.Select(a => a.MotherId).Order());

        foreach (var mother in mothers)
        {
            Assert.Equal(2, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE mother_id = $1 AND status = 'used'", mother.Id));
            Assert.Single(mother.Team.Members);
        }
        var seated = allocated.Select(a => a.RedemptionId).ToArray();
        Assert.Equal(3, await PoolApi.ScalarAsync(stack.Database, "SELECT count(DISTINCT redemption_id) FROM seats WHERE redemption_id = ANY($1)", seated));
        Assert.Equal(0, await PoolApi.ScalarAsync(stack.Database, "SELECT count(*) FROM seats WHERE redemption_id = ANY($1) AND status <> 'used'", seated));
    }
}

[Collection(PoolCollection.Name)]
public sealed class SeatChoiceTestsWithRedis(PoolPlatform platform) : SeatChoiceTests(platform.WithRedis);

[Collection(PoolCollection.Name)]
public sealed class SeatChoiceTestsWithoutRedis(PoolPlatform platform) : SeatChoiceTests(platform.WithoutRedis);
