using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Promo.Api.Campaigns;
using Promo.Api.Data;

namespace Promo.Api.Orders;

/// <summary>Buyers place, read, cancel and confirm their orders; admins list them all and ship paid ones.</summary>
public static partial class OrderEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public sealed record AppliedCampaign(string CampaignBid, string Name, DiscountType DiscountType, decimal Value, decimal DiscountAmount, ApplicationStatus Status);

    public sealed record OrderResponse(string OrderBid, string UserBid, OrderStatus Status, CloseReason? CloseReason, Guid SkuId, string SkuName,
        int Quantity, decimal UnitPrice, decimal Amount, decimal DiscountAmount, decimal PayAmount, string? CouponCode, decimal CouponDiscount,
        string? HelpTaskNo,
        IReadOnlyList<AppliedCampaign> Campaigns, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? PaidAt,
        DateTimeOffset? ShippedAt, DateTimeOffset? ReceivedAt, DateTimeOffset? ClosedAt);

    public static RouteGroupBuilder MapOrders(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");
        orders.MapPost("/", PlaceAsync);
        orders.MapGet("/", ListMineAsync);
        orders.MapGet("/{orderBid}", GetAsync);
        orders.MapPost("/{orderBid}/cancel", CancelAsync);
        orders.MapPost("/{orderBid}/receive", ReceiveAsync);
        orders.MapPost("/{orderBid}/ship", ShipAsync).RequirePermission(Permissions.Promo.Orders).RequireDomain("promo");

        api.MapGet("/admin/orders", ListAllAsync).RequirePermission(Permissions.Promo.Orders).WithTags("Orders");
        return api;
    }

    private static async Task<Results<Created<OrderResponse>, Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> PlaceAsync(
        PlaceOrderRequest request, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey, ClaimsPrincipal user,
        OrderPlacement placement, PromoDbContext db, IOptions<PromoOptions> options, CancellationToken cancellationToken)
    {
        if (Validate(request, idempotencyKey, options.Value) is { } invalid)
        {
            return invalid;
        }
        var placed = await placement.PlaceAsync(user.RequiredUserId().ToString("N"), idempotencyKey!, request, cancellationToken);
        if (placed.Problem is { } problem)
        {
            return problem;
        }
        var response = await ToResponseAsync(db, placed.Order!, cancellationToken);
        return placed.Replayed ? TypedResults.Ok(response) : TypedResults.Created($"/api/promo/orders/{response.OrderBid}", response);
    }

    private static ValidationProblem? Validate(PlaceOrderRequest request, string? key, PromoOptions options)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 100 || key.Any(c => c is < '!' or > '~'))
        {
            return Invalid.Field("idempotencyKey", $"The {IdempotencyHeader} header is required: 1 to 100 visible ASCII characters, the same on every retry.");
        }
        if (request.SkuId is null)
        {
            return Invalid.Field("skuId", "skuId is required.");
        }
        if (request.Quantity is { } q && (q < 1 || q > options.MaxQuantity))
        {
            return Invalid.Field("quantity", $"quantity must be between 1 and {options.MaxQuantity}.");
        }
        if (request.CampaignBid is { Length: > 36 })
        {
            return Invalid.Field("campaignBid", "campaignBid is at most 36 characters.");
        }
        if (request.HelpTaskNo is { Length: > 32 })
        {
            return Invalid.Field("helpTaskNo", "helpTaskNo is at most 32 characters.");
        }
        if (request.CouponCode is { Length: > 64 })
        {
            return Invalid.Field("couponCode", "couponCode is at most 64 characters.");
        }
        if (request.Shipping is { } shipping)
        {
            if (string.IsNullOrWhiteSpace(shipping.Name) || shipping.Name.Length > 100)
            {
                return Invalid.Field("shipping.name", "The recipient's name is required, at most 100 characters.");
            }
            if (shipping.Phone is null || !PhoneShape().IsMatch(shipping.Phone.Trim()))
            {
                return Invalid.Field("shipping.phone", "The recipient's phone is 5 to 24 digits, spaces or dashes, optionally after a leading +.");
            }
            if (string.IsNullOrWhiteSpace(shipping.Address) || shipping.Address.Length > 500)
            {
                return Invalid.Field("shipping.address", "The address is required, at most 500 characters.");
            }
        }
        return null;
    }

    private static async Task<Results<Ok<PagedResult<OrderResponse>>, ValidationProblem>> ListMineAsync(
        [AsParameters] PageRequest page, OrderStatus? status, ClaimsPrincipal user, PromoDbContext db, CancellationToken cancellationToken) =>
        await ListAsync(page, status, user.RequiredUserId().ToString("N"), db, cancellationToken);

    private static async Task<Results<Ok<PagedResult<OrderResponse>>, ValidationProblem>> ListAllAsync(
        [AsParameters] PageRequest page, OrderStatus? status, string? userBid, PromoDbContext db, CancellationToken cancellationToken) =>
        await ListAsync(page, status, userBid, db, cancellationToken);

    private static async Task<Results<Ok<PagedResult<OrderResponse>>, ValidationProblem>> ListAsync(
        PageRequest page, OrderStatus? status, string? userBid, PromoDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Orders.AsNoTracking();
        if (userBid is not null)
        {
            query = query.Where(o => o.UserBid == userBid);
        }
        if (status is { } s)
        {
            query = query.Where(o => o.Status == s);
        }
        var total = await query.LongCountAsync(cancellationToken);
        var orders = await query.OrderByDescending(o => o.CreatedAt).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        // One query for the whole page's campaign applications, not one per order.
        var applied = (await AppliedCampaignsAsync(db, orders.ConvertAll(o => o.OrderBid), cancellationToken)).ToLookup(a => a.OrderBid, a => a.Campaign);
        var items = orders.ConvertAll(o => ToResponse(o, [.. applied[o.OrderBid]]));
        return TypedResults.Ok(new PagedResult<OrderResponse>(items, total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetAsync(
        string orderBid, ClaimsPrincipal user, PromoDbContext db, CancellationToken cancellationToken) =>
        await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.OrderBid == orderBid, cancellationToken) is { } order && CanSee(user, order)
            ? TypedResults.Ok(await ToResponseAsync(db, order, cancellationToken))
            : NotFound(orderBid);

    /// <summary>The buyer gives up an unpaid order: it closes at once, giving back its stock, campaigns and coupon.</summary>
    private static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> CancelAsync(
        string orderBid, ClaimsPrincipal user, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        TransitionAsync(db, orderBid, cancellationToken, async (order, ct) =>
        {
            if (order.UserBid != user.RequiredUserId().ToString("N")) return NotFound(orderBid);
            if (order.Status != OrderStatus.Created) return WrongState(order, "cancelled", OrderStatus.Created);
            await OrderTransitions.CloseAsync(db, order, CloseReason.Cancelled, time.GetUtcNow(), ct);
            return null;
        });

    private static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ReceiveAsync(
        string orderBid, ClaimsPrincipal user, PromoDbContext db, TimeProvider time, IOptions<PromoOptions> options, CancellationToken cancellationToken) =>
        TransitionAsync(db, orderBid, cancellationToken, async (order, ct) =>
        {
            if (order.UserBid != user.RequiredUserId().ToString("N")) return NotFound(orderBid);
            if (order.Status != OrderStatus.Shipped) return WrongState(order, "received", OrderStatus.Shipped);
            await OrderTransitions.ReceiveAsync(db, order, time.GetUtcNow(), TimeSpan.FromSeconds(options.Value.PayoutDelaySeconds), ct);
            return null;
        });

    private static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ShipAsync(
        string orderBid, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        TransitionAsync(db, orderBid, cancellationToken, (order, _) =>
        {
            if (order.Status != OrderStatus.Paid) return Task.FromResult<ProblemHttpResult?>(WrongState(order, "shipped", OrderStatus.Paid));
            order.Status = OrderStatus.Shipped;
            order.ShippedAt = time.GetUtcNow();
            db.Audit(http, "ship_order", "order", orderBid, new { status = OrderStatus.Paid }, new { status = OrderStatus.Shipped }, order.ShippedAt.Value);
            return Task.FromResult<ProblemHttpResult?>(null);
        });

    /// <summary>Locks the order's row, lets <paramref name="change"/> decide and change it, saves, and answers with the order.</summary>
    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> TransitionAsync(PromoDbContext db, string orderBid,
        CancellationToken cancellationToken, Func<Order, CancellationToken, Task<ProblemHttpResult?>> change)
    {
        var (order, problem) = await db.InTransactionAsync<(Order?, ProblemHttpResult?)>(async ct =>
        {
            if (await OrderRows.LockAsync(db, orderBid, ct) is not { } order)
            {
                return (null, NotFound(orderBid));
            }
            if (await change(order, ct) is { } refused)
            {
                return (null, refused);
            }
            await db.SaveChangesAsync(ct);
            return (order, null);
        }, cancellationToken);
        return problem is not null ? problem : TypedResults.Ok(await ToResponseAsync(db, order!, cancellationToken));
    }

    private static async Task<OrderResponse> ToResponseAsync(PromoDbContext db, Order order, CancellationToken cancellationToken) =>
        ToResponse(order, (await AppliedCampaignsAsync(db, [order.OrderBid], cancellationToken)).ConvertAll(a => a.Campaign));

    private static Task<List<(string OrderBid, AppliedCampaign Campaign)>> AppliedCampaignsAsync(PromoDbContext db, List<string> orderBids,
        CancellationToken cancellationToken) =>
        db.CampaignApplications.AsNoTracking().Where(a => orderBids.Contains(a.OrderBid) && !a.Deleted)
            .OrderBy(a => a.CreatedAt)
            .Select(a => ValueTuple.Create(a.OrderBid, new AppliedCampaign(a.CampaignBid, a.CampaignName, a.DiscountType, a.Value, a.DiscountAmount, a.Status)))
            .ToListAsync(cancellationToken);

    private static OrderResponse ToResponse(Order o, IReadOnlyList<AppliedCampaign> campaigns) =>
        new(o.OrderBid, o.UserBid, o.Status, o.CloseReason, o.SkuId, o.SkuName, o.Quantity, o.UnitPrice, o.Amount, o.DiscountAmount,
            o.PayAmount, o.CouponCode, o.CouponDiscount, o.HelpTaskNo, campaigns, o.CreatedAt, o.ExpiresAt, o.PaidAt, o.ShippedAt, o.ReceivedAt, o.ClosedAt);

    private static bool CanSee(ClaimsPrincipal user, Order order) =>
        user.Can(Permissions.Promo.Orders, Permissions.Read) || user.UserId()?.ToString("N") == order.UserBid;

    // Someone else's order is answered like a missing one, so order ids cannot be probed.
    private static ProblemHttpResult NotFound(string orderBid) => Problems.NotFound($"Order {orderBid} does not exist.");

    private static ProblemHttpResult WrongState(Order order, string wanted, OrderStatus needed) =>
        Problems.Conflict("invalid_order_state",
            $"Order {order.OrderBid} is {order.Status.ToString().ToLowerInvariant()}; only a {needed.ToString().ToLowerInvariant()} order can be {wanted}.");

    [System.Text.RegularExpressions.GeneratedRegex(@"^\+?[0-9][0-9 \-]{3,22}[0-9]$")]
    private static partial System.Text.RegularExpressions.Regex PhoneShape();
}
