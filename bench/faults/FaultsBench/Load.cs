using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bench.Faults;

/// <summary>
/// Steady mixed load through the gateway: sign-in by code (read from the development outbox), <c>/me</c> and reads
/// of every service, redemptions of fresh codes by fresh people, orders paid by a signed callback, relay calls with
/// API keys (holding a concurrency slot each), and group syncs. A request with no clear answer is retried with the
/// same identity (code, Idempotency-Key, paymentRef) until it gets one, as a careful client would.
/// </summary>
public sealed class Load(GatewayClient client, Ledger ledger)
{
    private const int MothersPerGroup = 4;
    private readonly ConcurrentQueue<string> _codes = new();
    private readonly SemaphoreSlim _codeBatch = new(1, 1);
    private string _admin = null!;
    private Guid _group;
    private Guid _sku;
    private readonly List<(string Token, string Key, string KeyId)> _relayKeys = [];
    private readonly List<string> _readers = [];
    private int _people;

    public async Task SetUpAsync()
    {
        _admin = await SetUpSignInAsync("admin@example.test");
        var group = await Must(() => client.PostAsync("setup", "/api/pool/pool-groups", _admin, new { name = $"faults-{Guid.NewGuid():N}"[..20] }, "pool"));
        _group = group.Body.GetProperty("id").GetGuid();
        for (var i = 0; i < MothersPerGroup; i++)
        {
            await Must(() => client.PostAsync("setup", "/api/pool/mothers", _admin, new
            {
                name = $"mother-{i}",
                email = $"mother-{i}-{Guid.NewGuid():N}@example.test",
                groupId = _group,
                seatLimit = 1000,
                accessToken = $"faults-{i}-{Guid.NewGuid():N}",
            }, "pool"));
        }
        var product = await Must(() => client.PostAsync("setup", "/api/promo/products", _admin, new
        {
            name = "Fault suite product",
            skus = new[] { new { code = $"f-{Guid.NewGuid():N}"[..20], name = "Fault suite SKU", price = 1.25m, stock = 10_000_000 } },
        }, "promo"));
        _sku = product.Body.GetProperty("skus")[0].GetProperty("id").GetGuid();
        for (var i = 0; i < 3; i++)
        {
            var owner = await SetUpSignInAsync(NextEmail("relay"));
            var created = await Must(() => client.PostAsync("setup", "/api/identity/api-keys", owner, new { name = $"faults-{i}", limits = new { concurrency = 100 } }));
            _relayKeys.Add((owner, created.Body.GetProperty("key").GetString()!, created.Body.GetProperty("apiKey").GetProperty("id").GetString()!));
        }
        for (var i = 0; i < 2; i++)
        {
            _readers.Add(await SetUpSignInAsync(NextEmail("reader")));
        }
        await RefillCodesAsync();
    }

    /// <summary>The workers, until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(
        Loop(stop, TimeSpan.FromMilliseconds(300), RedeemAsync),
        Loop(stop, TimeSpan.FromMilliseconds(300), RedeemAsync),
        Loop(stop, TimeSpan.FromMilliseconds(200), OrderAsync),
        Loop(stop, TimeSpan.FromMilliseconds(200), OrderAsync),
        Loop(stop, TimeSpan.FromMilliseconds(50), () => RelayAsync(0)),
        Loop(stop, TimeSpan.FromMilliseconds(50), () => RelayAsync(1)),
        Loop(stop, TimeSpan.FromMilliseconds(50), () => RelayAsync(2)),
        Loop(stop, TimeSpan.FromMilliseconds(50), () => ReadAsync(_readers[0])),
        Loop(stop, TimeSpan.FromMilliseconds(50), () => ReadAsync(_readers[1])),
        Loop(stop, TimeSpan.FromSeconds(5), SyncAsync));

    public IReadOnlyList<string> RelayKeyIds => [.. _relayKeys.Select(k => k.KeyId)];

    public Guid Group => _group;

    private static async Task Loop(CancellationToken stop, TimeSpan pause, Func<Task> work)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await work();
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
            {
                // An answer of an unexpected shape: the outcome is in the ledger already; keep the load going.
                Console.Error.WriteLine($"load: {e.Message}");
            }
            try
            {
                await Task.Delay(pause, stop); // pacing of the load, not synchronisation
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private string NextEmail(string kind) => $"{kind}-{Interlocked.Increment(ref _people)}-{Guid.NewGuid():N}"[..40] + "@example.test";

    /// <summary>Signs in for the set-up, retrying for a few minutes (a platform that just started may still be slow).</summary>
    private async Task<string> SetUpSignInAsync(string email)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(10);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await SignInAsync(email) is { } token) return token;
            var last = ledger.Outcomes.Last();
            Console.WriteLine($"set-up sign-in of {email}: {last.Operation} {last.Label}; trying again");
            // A second code to the same address needs the resend interval (60 s) to pass.
            await Task.Delay(last.Code == "resend_too_soon" ? TimeSpan.FromSeconds(61) : TimeSpan.FromSeconds(3));
        }
        throw new InvalidOperationException($"{email} could not sign in");
    }

    /// <summary>Code, outbox, sign-in; null when a step failed (a later attempt uses a new address: codes to one are spaced).</summary>
    private async Task<string?> SignInAsync(string email)
    {
        var target = new { channel = "email", target = email };
        if (!(await client.PostAsync("sign-in: send code", "/api/identity/codes", null, target)).Ok) return null;
        var outbox = await client.GetAsync("sign-in: dev outbox", $"/api/identity/dev/outbox?target={Uri.EscapeDataString(email)}", null);
        if (!outbox.Ok || outbox.Body.GetArrayLength() == 0) return null;
        var code = outbox.Body[0].GetProperty("code").GetString();
        var session = await client.PostAsync("sign-in", "/api/identity/sign-in", null, new { channel = "email", target = email, code });
        return session.Ok ? session.Body.GetProperty("accessToken").GetString() : null;
    }

    private async Task RedeemAsync()
    {
        if (await SignInAsync(NextEmail("redeem")) is not { } token) return;
        await client.GetAsync("me", "/api/identity/me", token);
        if (!_codes.TryDequeue(out var code))
        {
            await RefillCodesAsync();
            if (!_codes.TryDequeue(out code)) return;
        }
        var uncertain = false;
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var answer = await client.PostAsync(uncertain ? "redeem (retry)" : "redeem", "/api/users/redemptions", token, new { code });
            if (answer.Ok)
            {
                ledger.AcceptedRedemptions[answer.Body.GetProperty("id").GetGuid()] = code;
                return;
            }
            if (answer.Status is >= 400 and < 500 && answer.Status != 429)
            {
                break; // refused: after an unanswered attempt, code_taken means that attempt went through
            }
            uncertain |= answer.Unknown || answer.Status is 502 or 504;
            await Task.Delay(TimeSpan.FromSeconds(1)); // a client's retry pause
        }
        if (uncertain) ledger.UncertainCodes.Add(code);
    }

    private async Task RefillCodesAsync()
    {
        await _codeBatch.WaitAsync();
        try
        {
            if (!_codes.IsEmpty) return;
            var batch = await client.PostAsync("setup: redeem codes", "/api/users/redeem-codes", _admin, new { count = 500, poolGroupId = _group, seatDays = 30 }, "users");
            if (!batch.Ok) return;
            foreach (var code in batch.Body.GetProperty("codes").EnumerateArray())
            {
                _codes.Enqueue(code.GetString()!);
            }
        }
        finally
        {
            _codeBatch.Release();
        }
    }

    private string? _buyer;
    private readonly SemaphoreSlim _buyerLock = new(1, 1);

    private async Task OrderAsync()
    {
        var buyer = await BuyerAsync();
        if (buyer is null) return;
        var key = Guid.NewGuid().ToString();
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = key };
        GatewayClient.Answer? placed = null;
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var answer = await client.PostAsync("order", "/api/promo/orders", buyer, new { skuId = _sku, quantity = 1 }, headers: headers);
            if (answer.Ok)
            {
                placed = answer;
                break;
            }
            if (answer.Status is >= 400 and < 500 && answer.Status != 429) return;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        if (placed is null) return;
        var orderBid = placed.Body.GetProperty("orderBid").GetString()!;
        ledger.AcceptedOrders.TryAdd(orderBid, null);

        var paymentRef = $"pay-{Guid.NewGuid():N}";
        var body = JsonSerializer.Serialize(new { orderBid, amount = placed.Body.GetProperty("payAmount").GetDecimal(), paymentRef });
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(PlatformHost.PaymentSecret), Encoding.UTF8.GetBytes(body)));
        var signed = new Dictionary<string, string> { ["X-Payment-Signature"] = signature };
        deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var answer = await client.SendAsync("payment callback", HttpMethod.Post, "/api/promo/payments/callback", null, body, headers: signed);
            if (answer.Ok)
            {
                ledger.PaidOrders[orderBid] = paymentRef;
                ledger.AcceptedOrders[orderBid] = paymentRef;
                return;
            }
            if (answer.Status is >= 400 and < 500 && answer.Status != 429) return;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>One buyer for all orders (each is paid at once, so the unpaid-order limit is never reached).</summary>
    private async Task<string?> BuyerAsync()
    {
        await _buyerLock.WaitAsync();
        try
        {
            if (_buyer is null && await SignInAsync(NextEmail("buyer")) is { } token)
            {
                var me = await client.GetAsync("me", "/api/identity/me", token);
                if (me.Ok)
                {
                    ledger.Buyers.Add(me.Body.GetProperty("id").GetString()!);
                    _buyer = token;
                }
            }
            return _buyer;
        }
        finally
        {
            _buyerLock.Release();
        }
    }

    private static readonly string RelayBody = JsonSerializer.Serialize(new
    {
        model = "claude-sonnet-4-20250514",
        max_tokens = 16,
        messages = new[] { new { role = "user", content = "hi" } },
    });

    private async Task RelayAsync(int index)
    {
        var (_, key, keyId) = _relayKeys[index];
        var answer = await client.SendAsync("relay", HttpMethod.Post, "/v1/messages", null, RelayBody,
            headers: new Dictionary<string, string> { ["x-api-key"] = key, ["anthropic-version"] = "2023-06-01" });
        if (answer.Ok) ledger.RelaySucceeded.AddOrUpdate(keyId, 1, (_, n) => n + 1);
        else if (answer.Unknown || answer.Status is 502 or 504) ledger.RelayUncertain.AddOrUpdate(keyId, 1, (_, n) => n + 1);
    }

    private int _reads;

    private async Task ReadAsync(string reader)
    {
        switch (Interlocked.Increment(ref _reads) % 4)
        {
            case 0: await client.GetAsync("me", "/api/identity/me", reader); break;
            case 1: await client.GetAsync("users list", "/api/users?pageSize=5", _admin); break;
            case 2: await client.GetAsync("pool groups", "/api/pool/pool-groups", _admin); break;
            default: await client.GetAsync("promo products", "/api/promo/products", reader); break;
        }
    }

    private async Task SyncAsync()
    {
        var answer = await client.PostAsync("sync", $"/api/pool/pool-groups/{_group}/sync", _admin, new { }, "pool");
        if (answer.Ok)
        {
            foreach (var id in answer.Body.GetProperty("jobIds").EnumerateArray())
            {
                ledger.SyncJobs.Add(id.GetGuid());
            }
        }
    }

    /// <summary>A set-up request, tried again while the platform answers 5xx or not at all (a duplicate group or mother is harmless).</summary>
    private static async Task<GatewayClient.Answer> Must(Func<Task<GatewayClient.Answer>> request)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await request();
            if (answer.Ok) return answer;
            if (attempt == 5 || answer.Status is >= 400 and < 500)
            {
                throw new InvalidOperationException($"set-up request failed: {answer.Status} {answer.Body}");
            }
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
    }
}
