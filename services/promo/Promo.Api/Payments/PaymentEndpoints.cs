using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Contracts.Promo;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Messaging;
using Promo.Api.Coupons;
using Promo.Api.Data;
using Promo.Api.HelpTasks;
using Promo.Api.Orders;

namespace Promo.Api.Payments;

/// <summary>
/// The payment provider's callback. It carries no user credential (the gateway lets it through anonymously); what
/// makes it trusted is <c>X-Payment-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c> under the shared
/// <c>Promo:PaymentSecret</c>. A repeated callback for the same payment is answered as before.
/// </summary>
public static class PaymentEndpoints
{
    public const string SignatureHeader = "X-Payment-Signature";
    private const int MaxBody = 16 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record PaymentCallback(string? OrderBid, decimal? Amount, string? PaymentRef);

    public sealed record PaymentAnswer(string OrderBid, OrderStatus Status, DateTimeOffset? PaidAt);

    public static RouteGroupBuilder MapPayments(this RouteGroupBuilder api)
    {
        api.MapPost("/payments/callback", CallbackAsync).AllowAnonymous().WithTags("Payments")
            .Accepts<PaymentCallback>("application/json");
        return api;
    }

    private static async Task<Results<Ok<PaymentAnswer>, ValidationProblem, ProblemHttpResult>> CallbackAsync(
        HttpRequest http, PromoDbContext db, TimeProvider time, IOptions<PromoOptions> options, CancellationToken cancellationToken)
    {
        if (await ReadBodyAsync(http, cancellationToken) is not { } body)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"A payment callback is at most {MaxBody} bytes.");
        }
        if (!SignatureMatches(body, http.Headers[SignatureHeader].ToString(), options.Value.PaymentSecret))
        {
            return Problems.Create(StatusCodes.Status401Unauthorized, "invalid_signature",
                $"{SignatureHeader} must be sha256=<hex HMAC-SHA256 of the body> under the payment secret.");
        }
        PaymentCallback? callback;
        try
        {
            callback = JsonSerializer.Deserialize<PaymentCallback>(body, Json);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest("invalid_json", $"The body is not a payment callback: {e.Message}");
        }
        if (callback?.OrderBid is not { Length: > 0 and <= 36 } orderBid)
        {
            return Invalid.Field("orderBid", "orderBid is required.");
        }
        if (callback.Amount is not { } amount || amount < 0)
        {
            return Invalid.Field("amount", "amount is required and not negative.");
        }
        if (callback.PaymentRef is not { Length: > 0 and <= 100 } paymentRef)
        {
            return Invalid.Field("paymentRef", "paymentRef is required, at most 100 characters.");
        }

        return await db.InTransactionAsync<Results<Ok<PaymentAnswer>, ValidationProblem, ProblemHttpResult>>(async ct =>
        {
            var now = time.GetUtcNow();
            if (await OrderRows.LockAsync(db, orderBid, ct) is not { } order)
            {
                return Problems.NotFound($"Order {orderBid} does not exist.");
            }
            if (order.PaymentRef is { } paid)
            {
                return paid == paymentRef
                    ? TypedResults.Ok(new PaymentAnswer(order.OrderBid, order.Status, order.PaidAt))
                    : Problems.Conflict("already_paid", $"Order {orderBid} was paid by another payment.");
            }
            if (order.Status == OrderStatus.Created && order.ExpiresAt <= now)
            {
                // Not swept yet, but its time is up: close it now rather than take a late payment.
                await OrderTransitions.CloseAsync(db, order, CloseReason.Expired, now, ct);
                await db.SaveChangesAsync(ct);
            }
            if (order.Status != OrderStatus.Created)
            {
                return Problems.Conflict("order_closed", $"Order {orderBid} is {order.Status.ToString().ToLowerInvariant()} and cannot be paid.");
            }
            if (amount != order.PayAmount)
            {
                return Problems.Conflict("amount_mismatch", $"Order {orderBid} is to be paid {order.PayAmount:0.00}, not {amount:0.00}.");
            }
            order.Status = OrderStatus.Paid;
            order.PaidAt = now;
            order.PaymentRef = paymentRef;
            HelpProgress.OpenTaskIfHelpEnabled(db, order, now);
            // A relay product's plan is pool's to give: the event leaves with this commit (outbox).
            if (order.Relay is { } relay && Guid.TryParse(order.UserBid, out var buyer))
            {
                db.AddEvent(new RelayPlanPurchased(order.OrderBid, buyer, relay.ToPlanTerms(), relay.Days * order.Quantity, now));
            }
            await db.CouponUsages.Where(u => u.OrderBid == orderBid && u.Status == CouponUsageStatus.Active)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, CouponUsageStatus.Used).SetProperty(x => x.UpdatedAt, now), ct);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(new PaymentAnswer(order.OrderBid, order.Status, order.PaidAt));
        }, cancellationToken);
    }

    /// <summary>The raw body (the signature covers its exact bytes), or null when it is too large.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBody)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static bool SignatureMatches(byte[] body, string header, string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(body, secret)), Encoding.ASCII.GetBytes(header.Trim().ToLowerInvariant()));
}
