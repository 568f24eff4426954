using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.Pool;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Promo.Api.Campaigns;
using Promo.Api.Coupons;
using Promo.Api.Data;
using Promo.Api.HelpTasks;

namespace Promo.Api.Orders;

public sealed record Recipient(string? Name, string? Phone, string? Address);

/// <param name="HelpTaskNo">The help task this order helps, when the buyer is someone's helper.</param>
public sealed record PlaceOrderRequest(Guid? SkuId, int? Quantity, string? CampaignBid, string? CouponCode, Recipient? Shipping, string? HelpTaskNo = null);

/// <summary>A placed order, or the order an earlier request with the same key placed, or why there is none.</summary>
public sealed record Placement(Order? Order, bool Replayed, ProblemHttpResult? Problem);

/// <summary>
/// Places an order in one transaction: reserves the stock by a conditional update (never oversold), prices it with
/// the live auto campaigns of its SKU, the campaign it names and its coupon, and records each application. The
/// buyer's <c>Idempotency-Key</c> is unique per buyer: the same key with the same request gives back the same
/// order, with another request a 409.
/// </summary>
public sealed class OrderPlacement(PromoDbContext db, TimeProvider time, IOptions<PromoOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Placement> PlaceAsync(string userBid, string idempotencyKey, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        var hash = RequestHash(request);
        if (await ReplayAsync(userBid, idempotencyKey, hash, cancellationToken) is { } replay)
        {
            return replay;
        }
        try
        {
            return await db.InTransactionAsync(ct => PlaceNewAsync(userBid, idempotencyKey, hash, request, ct), cancellationToken);
        }
        catch (Rejected rejected)
        {
            return new(null, false, rejected.Problem);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same key raced in from another request, which committed first: answer as a replay of it.
            db.ChangeTracker.Clear();
            return await ReplayAsync(userBid, idempotencyKey, hash, cancellationToken) ?? throw new InvalidOperationException("Unique violation without a prior order.", e);
        }
    }

    private async Task<Placement?> ReplayAsync(string userBid, string key, string hash, CancellationToken cancellationToken) =>
        await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.UserBid == userBid && o.IdempotencyKey == key, cancellationToken) switch
        {
            null => null,
            { } earlier when earlier.RequestHash == hash => new(earlier, true, null),
            _ => new(null, false, Problems.Conflict("idempotency_key_reused",
                "This Idempotency-Key was used with a different request; send a new key for a new order.")),
        };

    private async Task<Placement> PlaceNewAsync(string userBid, string key, string hash, PlaceOrderRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var quantity = request.Quantity ?? 1;
        await RefuseHoardingAsync(userBid, quantity, ct);
        var sku = await db.Skus.AsNoTracking().Include(s => s.Product).FirstOrDefaultAsync(s => s.Id == request.SkuId, ct)
            ?? throw new Rejected(Problems.NotFound($"SKU {request.SkuId} does not exist."));
        if (!sku.Active || sku.Product is not { Active: true })
        {
            throw new Rejected(Problems.Conflict("sku_unavailable", $"SKU {sku.Code} is not on sale."));
        }
        if (sku.Relay is { } relay && (long)relay.Days * quantity > RelayPlanTerms.MaxDays)
        {
            throw new Rejected(Problems.BadRequest("invalid_quantity",
                $"quantity: one order buys at most {RelayPlanTerms.MaxDays} days of a relay plan ({relay.Days} days a unit)."));
        }
        var order = new Order
        {
            OrderBid = Guid.CreateVersion7().ToString("N"),
            UserBid = userBid,
            IdempotencyKey = key,
            RequestHash = hash,
            SkuId = sku.Id,
            ProductId = sku.ProductId,
            SkuName = sku.Name,
            Quantity = quantity,
            UnitPrice = sku.Price,
            Amount = sku.Price * quantity,
            HelpersRequired = sku.HelpersRequired,
            Relay = sku.Relay?.Copy(),
            RecipientName = request.Shipping?.Name?.Trim(),
            RecipientPhone = request.Shipping?.Phone?.Trim(),
            ShippingAddress = request.Shipping?.Address?.Trim(),
            Status = OrderStatus.Created,
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(options.Value.UnpaidOrderSeconds),
        };

        var campaigns = await CampaignsForAsync(order, request.CampaignBid, now, ct);
        var coupon = request.CouponCode is { Length: > 0 } code ? await CouponForAsync(order, code, now, ct) : null;
        var helping = request.HelpTaskNo is { Length: > 0 } taskNo ? await HelpTaskForAsync(order, taskNo.Trim(), ct) : null;

        var reserved = await db.Skus.Where(s => s.Id == sku.Id && s.Active && s.Stock >= quantity)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock - quantity).SetProperty(x => x.UpdatedAt, now), ct);
        if (reserved == 0)
        {
            throw new Rejected(Problems.Conflict("out_of_stock", $"SKU {sku.Code} has fewer than {quantity} left."));
        }

        var payable = order.Amount;
        foreach (var campaign in campaigns)
        {
            var discount = Pricing.DiscountOf(campaign.DiscountType, campaign.Value, payable);
            payable -= discount;
            db.CampaignApplications.Add(new CampaignApplication
            {
                CampaignApplicationBid = Guid.CreateVersion7().ToString("N"),
                CampaignBid = campaign.CampaignBid,
                OrderBid = order.OrderBid,
                UserBid = userBid,
                CampaignName = campaign.Name,
                DiscountType = campaign.DiscountType,
                Value = campaign.Value,
                DiscountAmount = discount,
                Status = ApplicationStatus.Applied,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
        if (coupon is not null)
        {
            order.CouponDiscount = Pricing.DiscountOf(coupon.DiscountType, coupon.Value, payable);
            payable -= order.CouponDiscount;
            await ClaimCouponAsync(order, coupon, now, ct);
        }
        order.DiscountAmount = order.Amount - payable;
        order.PayAmount = payable;
        db.Orders.Add(order);
        if (helping is not null)
        {
            order.HelpTaskNo = helping.TaskNo;
            db.Helps.Add(new Help
            {
                Id = Guid.CreateVersion7(),
                TaskId = helping.Id,
                HelperUserBid = userBid,
                OrderBid = order.OrderBid,
                Status = HelpStatus.Pending,
                CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
        return new(order, false, null);
    }

    /// <summary>
    /// One person holds at most <see cref="PromoOptions.MaxUnpaidOrders"/> unpaid orders reserving at most
    /// <see cref="PromoOptions.MaxReservedItems"/> items, so nobody can take the stock off sale by ordering and never
    /// paying. Counted under a lock on the buyer (for the transaction), so concurrent orders cannot both squeeze in.
    /// </summary>
    private async Task RefuseHoardingAsync(string userBid, int quantity, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"promo-unpaid:" + userBid}, 0))", ct);
        var unpaid = db.Orders.Where(o => o.UserBid == userBid && o.Status == OrderStatus.Created);
        var limits = options.Value;
        if (await unpaid.CountAsync(ct) is var orders && orders >= limits.MaxUnpaidOrders)
        {
            throw new Rejected(Problems.Conflict("too_many_unpaid_orders",
                $"You have {orders} unpaid orders, the most one may hold; pay or cancel one first."));
        }
        if (await unpaid.SumAsync(o => o.Quantity, ct) + quantity > limits.MaxReservedItems)
        {
            throw new Rejected(Problems.Conflict("too_many_reserved_items",
                $"Your unpaid orders would reserve more than {limits.MaxReservedItems} items; pay or cancel one first."));
        }
    }

    /// <summary>The live auto campaigns covering the SKU, oldest first, then the one the order names.</summary>
    private async Task<List<Campaign>> CampaignsForAsync(Order order, string? named, DateTimeOffset now, CancellationToken ct)
    {
        var auto = await db.Campaigns.AsNoTracking()
            .Where(c => !c.Deleted && c.Status == PromoStatus.Active && c.JoinType == JoinType.Auto && c.StartAt <= now && c.EndAt > now)
            .OrderBy(c => c.CreatedAt).ToListAsync(ct);
        var campaigns = auto.Where(c => c.Filter.Covers(order.SkuId, order.ProductId)).ToList();
        if (named is { Length: > 0 } && campaigns.All(c => c.CampaignBid != named))
        {
            var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.CampaignBid == named, ct);
            if (campaign is null || !campaign.IsLiveAt(now) || !campaign.Filter.Covers(order.SkuId, order.ProductId))
            {
                throw new Rejected(Problems.BadRequest("campaign_not_applicable",
                    $"Campaign {named} does not exist, is not running now or does not cover this SKU."));
            }
            campaigns.Add(campaign);
        }
        return campaigns;
    }

    /// <summary>The open task a helper's order helps; a helper helps a task once (unless that order fell through).</summary>
    private async Task<HelpTask> HelpTaskForAsync(Order order, string taskNo, CancellationToken ct)
    {
        var task = await db.HelpTasks.AsNoTracking().FirstOrDefaultAsync(t => t.TaskNo == taskNo, ct);
        if (task is not { Status: HelpTaskStatus.Open })
        {
            throw new Rejected(Problems.BadRequest("help_task_not_open", $"Help task {taskNo} does not exist or needs no more help."));
        }
        if (await db.Helps.AnyAsync(h => h.TaskId == task.Id && h.HelperUserBid == order.UserBid && h.Status != HelpStatus.Void, ct))
        {
            throw new Rejected(Problems.Conflict("already_helping", $"You already help task {taskNo}."));
        }
        return task;
    }

    private sealed record CouponTerms(string CouponBid, UsageType UsageType, string Code, DiscountType DiscountType, decimal Value, string? UsageBid);

    private async Task<CouponTerms> CouponForAsync(Order order, string code, DateTimeOffset now, CancellationToken ct)
    {
        var normalized = code.Trim().ToUpperInvariant();
        var coupon = await db.Coupons.AsNoTracking().FirstOrDefaultAsync(c => c.Code == normalized && !c.Deleted, ct);
        string? usageBid = null;
        if (coupon is null)
        {
            var usage = await db.CouponUsages.AsNoTracking().FirstOrDefaultAsync(u => u.Code == normalized, ct);
            coupon = usage is null ? null
                : await db.Coupons.AsNoTracking().FirstOrDefaultAsync(c => c.CouponBid == usage.CouponBid && c.UsageType == UsageType.OneCodePerOrder, ct);
            usageBid = usage?.CouponUsageBid;
        }
        if (coupon is null || !coupon.IsLiveAt(now) || !coupon.Filter.Covers(order.SkuId, order.ProductId))
        {
            throw new Rejected(Problems.BadRequest("coupon_not_applicable",
                "This coupon code does not exist, is not valid now or does not cover this SKU."));
        }
        return new(coupon.CouponBid, coupon.UsageType, normalized, coupon.DiscountType, coupon.Value, usageBid);
    }

    /// <summary>Takes one use of the coupon by conditional updates: a shared code's count, or a generated code itself.</summary>
    private async Task ClaimCouponAsync(Order order, CouponTerms coupon, DateTimeOffset now, CancellationToken ct)
    {
        var counted = await db.Coupons.Where(c => c.CouponBid == coupon.CouponBid && c.UsedCount < c.TotalCount)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.UsedCount, x => x.UsedCount + 1).SetProperty(x => x.UpdatedAt, now), ct);
        if (counted == 0)
        {
            throw new Rejected(Problems.Conflict("coupon_exhausted", "This coupon has been used up."));
        }
        if (coupon.UsageType == UsageType.OneCodePerOrder)
        {
            var claimed = await db.CouponUsages.Where(u => u.CouponUsageBid == coupon.UsageBid && u.Status == CouponUsageStatus.Inactive)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(x => x.Status, CouponUsageStatus.Active)
                    .SetProperty(x => x.UserBid, order.UserBid)
                    .SetProperty(x => x.OrderBid, order.OrderBid)
                    .SetProperty(x => x.UpdatedAt, now), ct);
            if (claimed == 0)
            {
                throw new Rejected(Problems.Conflict("coupon_used", "This coupon code has already been used."));
            }
        }
        else
        {
            db.CouponUsages.Add(new CouponUsage
            {
                CouponUsageBid = Guid.CreateVersion7().ToString("N"),
                CouponBid = coupon.CouponBid,
                UserBid = order.UserBid,
                OrderBid = order.OrderBid,
                Code = coupon.Code,
                DiscountType = coupon.DiscountType,
                Value = coupon.Value,
                Status = CouponUsageStatus.Active,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
        order.CouponCode = coupon.Code;
    }

    /// <summary>The request as it affects the order, so the same key can tell a retry from a different order.</summary>
    private static string RequestHash(PlaceOrderRequest request)
    {
        var canonical = request with
        {
            Quantity = request.Quantity ?? 1,
            CampaignBid = NullIfEmpty(request.CampaignBid),
            CouponCode = NullIfEmpty(request.CouponCode?.Trim().ToUpperInvariant()),
            HelpTaskNo = NullIfEmpty(request.HelpTaskNo?.Trim()),
            Shipping = request.Shipping is { } s ? new(s.Name?.Trim(), s.Phone?.Trim(), s.Address?.Trim()) : null,
        };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(canonical, Json))));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Aborts the placement's transaction (giving back any stock it reserved) with the buyer's answer.</summary>
    private sealed class Rejected(ProblemHttpResult problem) : Exception(problem.ProblemDetails.Detail)
    {
        public ProblemHttpResult Problem { get; } = problem;
    }
}
