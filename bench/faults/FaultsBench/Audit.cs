using System.Text;
using Npgsql;

namespace Bench.Faults;

/// <summary>
/// After the load has stopped and the platform has drained, the databases checked against what the clients were
/// told: every accepted order exists once and is paid once, every accepted redemption is applied once on both sides,
/// relay usage matches the successful relay calls, every outbox row was published and every event applied once by
/// each of its consumers, no job or relay slot is left behind.
/// </summary>
public sealed class Audit(PlatformHost platform, Ledger ledger, Load load, TextWriter log)
{
    private readonly List<(string Check, string Found, bool Passed)> _checks = [];

    public bool Passed => _checks.All(c => c.Passed);

    /// <summary>Waits (up to <paramref name="timeout"/>) until nothing is in flight: outboxes empty, redemptions answered, jobs done, slots free.</summary>
    public async Task<TimeSpan> DrainAsync(TimeSpan timeout)
    {
        var started = DateTimeOffset.UtcNow;
        while (DateTimeOffset.UtcNow - started < timeout)
        {
            var backlog = 0L;
            foreach (var database in PlatformHost.Databases)
            {
                backlog += await ScalarAsync(database, "SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL AND parked_at IS NULL");
            }
            var pending = await ScalarAsync("usersdb", "SELECT count(*) FROM redemptions WHERE status = 'pending'");
            var jobs = await ScalarAsync("pooldb", "SELECT count(*) FROM pool_jobs WHERE status IN ('pending', 'running')")
                       + await ScalarAsync("usersdb", "SELECT count(*) FROM user_jobs WHERE status IN ('pending', 'running')");
            var slots = await ScalarAsync("pooldb", "SELECT count(*) FROM relay_slots WHERE expires_at > now()");
            if (backlog + pending + jobs + slots == 0) return DateTimeOffset.UtcNow - started;
            log.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} draining: outbox {backlog}, pending redemptions {pending}, jobs {jobs}, slots {slots}");
            await Task.Delay(TimeSpan.FromSeconds(2)); // polling the databases
        }
        return DateTimeOffset.UtcNow - started;
    }

    public async Task RunAsync()
    {
        await OrdersAsync();
        await RedemptionsAsync();
        await RelayAsync();
        await MessagesAsync();
        await JobsAndSlotsAsync();
    }

    private async Task OrdersAsync()
    {
        var rows = await RowsAsync("promodb", "SELECT order_bid, status, payment_ref FROM promo_orders WHERE user_bid = ANY(@p)",
            r => (Bid: r.GetString(0), Status: r.GetString(1), PaymentRef: r.IsDBNull(2) ? null : r.GetString(2)), ledger.Buyers.ToArray());
        var byBid = rows.GroupBy(r => r.Bid).ToDictionary(g => g.Key, g => g.ToList());
        var accepted = ledger.AcceptedOrders.Keys.ToList();
        var missing = accepted.Count(bid => !byBid.ContainsKey(bid));
        var doubled = byBid.Count(g => g.Value.Count > 1);
        Check("every accepted order exists once", $"{accepted.Count} accepted, {rows.Count} in promo_orders for the buyer, {missing} missing, {doubled} twice",
            missing == 0 && doubled == 0 && rows.Count == accepted.Count);
        var paid = ledger.PaidOrders;
        var wrong = paid.Count(p => !byBid.TryGetValue(p.Key, out var r) || r[0].PaymentRef != p.Value || r[0].Status != "paid");
        var paidElsewise = rows.Count(r => r.PaymentRef is not null && (!paid.TryGetValue(r.Bid, out var reference) || reference != r.PaymentRef));
        Check("every paid order is paid once, by the callback that was answered 200",
            $"{paid.Count} callbacks answered 200, {wrong} orders not paid by them, {paidElsewise} paid otherwise, {accepted.Count - paid.Count} accepted orders left unpaid",
            wrong == 0 && paidElsewise == 0);
    }

    private async Task RedemptionsAsync()
    {
        var redemptions = await RowsAsync("usersdb", "SELECT r.id, r.status, c.status, c.redemption_id FROM redemptions r JOIN redeem_codes c ON c.id = r.code_id",
            r => (Id: r.GetGuid(0), Status: r.GetString(1), CodeStatus: r.GetString(2), CodeRedemption: r.IsDBNull(3) ? (Guid?)null : r.GetGuid(3)));
        var seats = await RowsAsync("pooldb", "SELECT redemption_id, count(*) FROM seats WHERE redemption_id IS NOT NULL GROUP BY redemption_id",
            r => (Id: r.GetGuid(0), Count: r.GetInt64(1)));
        var allocations = await RowsAsync("pooldb", "SELECT redemption_id, status FROM seat_allocations", r => (Id: r.GetGuid(0), Status: r.GetString(1)));
        var byId = redemptions.ToDictionary(r => r.Id);
        var seatCount = seats.ToDictionary(s => s.Id, s => s.Count);
        var allocation = allocations.ToDictionary(a => a.Id, a => a.Status);

        var accepted = ledger.AcceptedRedemptions.Keys.ToList();
        var notApplied = accepted.Count(id => !byId.TryGetValue(id, out var r) || r.Status != "fulfilled" || r.CodeStatus != "used" || r.CodeRedemption != id
                                              || seatCount.GetValueOrDefault(id) != 1 || allocation.GetValueOrDefault(id) != "allocated");
        Check("every accepted redemption is applied once (fulfilled, its code used, one seat, one allocation)",
            $"{accepted.Count} accepted, {notApplied} not applied exactly once", notApplied == 0);

        // Redemptions the clients never heard back about (connection lost) may exist, but never twice and never half-done.
        var extra = redemptions.Where(r => !ledger.AcceptedRedemptions.ContainsKey(r.Id)).ToList();
        var fulfilled = redemptions.Where(r => r.Status == "fulfilled").Select(r => r.Id).ToHashSet();
        var seatsWithoutRedemption = seatCount.Keys.Count(id => !fulfilled.Contains(id));
        var doubleSeats = seatCount.Count(s => s.Value > 1);
        Check("no seat without a fulfilled redemption, no redemption with two seats, no code redeemed twice",
            $"{redemptions.Count} redemptions ({extra.Count} whose answer was lost, {ledger.UncertainCodes.Count} codes with a lost answer), "
            + $"{seats.Count} seats, {seatsWithoutRedemption} seats without a fulfilled redemption, {doubleSeats} doubled",
            seatsWithoutRedemption == 0 && doubleSeats == 0 && extra.Count <= ledger.UncertainCodes.Count
            && redemptions.Where(r => r.Status == "fulfilled").All(r => r.CodeRedemption == r.Id && seatCount.GetValueOrDefault(r.Id) == 1));
    }

    private async Task RelayAsync()
    {
        var keys = load.RelayKeyIds.ToArray();
        var usage = (await RowsAsync("pooldb", "SELECT api_key_id, sum(requests)::bigint FROM relay_usage WHERE period = 'month' AND api_key_id = ANY(@p) GROUP BY api_key_id",
            r => (Key: r.GetString(0), Requests: r.GetInt64(1)), keys)).ToDictionary(u => u.Key, u => u.Requests);
        foreach (var key in keys)
        {
            var succeeded = ledger.RelaySucceeded.GetValueOrDefault(key);
            var uncertain = ledger.RelayUncertain.GetValueOrDefault(key);
            var recorded = usage.GetValueOrDefault(key);
            Check($"relay usage of key {key[..8]} matches its successful calls",
                $"{succeeded} answered 200, {uncertain} with a lost answer, {recorded} recorded",
                recorded >= succeeded && recorded <= succeeded + uncertain);
        }
    }

    private async Task MessagesAsync()
    {
        var outbox = new Dictionary<Guid, string>();
        foreach (var database in PlatformHost.Databases)
        {
            var counts = await RowsAsync(database, """
                SELECT count(*), count(*) FILTER (WHERE dispatched_at IS NULL AND parked_at IS NULL), count(*) FILTER (WHERE parked_at IS NOT NULL),
                       (SELECT count(*) FROM failed_messages)
                FROM outbox_messages
                """, r => (All: r.GetInt64(0), Unsent: r.GetInt64(1), Parked: r.GetInt64(2), Failed: r.GetInt64(3)));
            var (all, unsent, parked, failed) = counts[0];
            Check($"{database}: every outbox row published, none parked, no consumer failure kept",
                $"{all} rows, {unsent} unsent, {parked} parked, {failed} failed messages", unsent == 0 && parked == 0 && failed == 0);
            foreach (var row in await RowsAsync(database, "SELECT id, message_type FROM outbox_messages", r => (Id: r.GetGuid(0), Type: r.GetString(1))))
            {
                outbox[row.Id] = row.Type.Split(',')[0].Split('.')[^1];
            }
        }
        foreach (var database in PlatformHost.Databases)
        {
            var inbox = await RowsAsync(database, "SELECT consumer, message_id FROM inbox_messages", r => (Consumer: r.GetString(0), Id: r.GetGuid(1)));
            foreach (var consumer in inbox.GroupBy(i => i.Consumer))
            {
                var applied = consumer.Select(i => i.Id).ToHashSet();
                var types = applied.Where(outbox.ContainsKey).Select(id => outbox[id]).ToHashSet();
                var expected = outbox.Where(o => types.Contains(o.Value)).Select(o => o.Key).ToList();
                var missing = expected.Count(id => !applied.Contains(id));
                var unknown = applied.Count(id => !outbox.ContainsKey(id));
                Check($"{database} {consumer.Key} applied every {string.Join("/", types)} event once",
                    $"{expected.Count} published, {applied.Count} applied (one inbox row each), {missing} missing, {unknown} from no outbox row",
                    missing == 0 && unknown == 0);
            }
        }
    }

    private async Task JobsAndSlotsAsync()
    {
        var jobs = await RowsAsync("pooldb", "SELECT status, count(*) FROM pool_jobs GROUP BY status", r => $"{r.GetString(0)} {r.GetInt64(1)}");
        var syncs = ledger.SyncJobs.Distinct().ToArray();
        var unfinished = await ScalarAsync("pooldb", "SELECT count(*) FROM pool_jobs WHERE id = ANY(@p) AND status <> 'succeeded'", syncs);
        Check("every sync job the load enqueued succeeded; pool's jobs all finished", $"{syncs.Length} sync jobs, {unfinished} not succeeded; pool_jobs: {string.Join(", ", jobs)}",
            unfinished == 0 && await ScalarAsync("pooldb", "SELECT count(*) FROM pool_jobs WHERE status IN ('pending', 'running')") == 0);
        var slots = await ScalarAsync("pooldb", "SELECT count(*) FROM relay_slots WHERE expires_at > now()");
        Check("no relay slot held after the load", $"{slots} held", slots == 0);
    }

    private void Check(string check, string found, bool passed)
    {
        _checks.Add((check, found, passed));
        log.WriteLine($"{(passed ? "ok  " : "FAIL")} {check}: {found}");
    }

    public string Report()
    {
        var report = new StringBuilder();
        report.AppendLine("| audit | found | |");
        report.AppendLine("|---|---|---|");
        foreach (var (check, found, passed) in _checks)
        {
            report.AppendLine($"| {check} | {found} | {(passed ? "ok" : "**FAILED**")} |");
        }
        return report.ToString();
    }

    private async Task<long> ScalarAsync(string database, string sql, object? parameter = null) =>
        (await RowsAsync(database, sql, r => r.GetInt64(0), parameter))[0];

    public async Task<List<T>> RowsAsync<T>(string database, string sql, Func<NpgsqlDataReader, T> read, object? parameter = null)
    {
        await using var connection = platform.Database(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null) command.Parameters.AddWithValue("p", parameter);
        await using var reader = await command.ExecuteReaderAsync();
        List<T> rows = [];
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}
