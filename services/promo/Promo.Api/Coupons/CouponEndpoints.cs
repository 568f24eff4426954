using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Promo.Api.Campaigns;
using Promo.Api.Data;

namespace Promo.Api.Coupons;

/// <summary>
/// Coupon administration. A shared-code coupon has one code good for <c>totalCount</c> orders; a
/// one-code-per-order coupon is created with <c>totalCount</c> generated codes, each good for one order.
/// </summary>
public static class CouponEndpoints
{
    public const int MaxGeneratedCodes = 10_000;
    private const string CodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public sealed record CouponRequest(string? Name, string? Code, DiscountType? DiscountType, UsageType? UsageType, decimal? Value,
        DateTimeOffset? StartAt, DateTimeOffset? EndAt, string? Channel, Terms.ScopeRequest? Filter, int? TotalCount, PromoStatus? Status);

    public sealed record CouponResponse(string CouponBid, string Name, string? Code, DiscountType DiscountType, UsageType UsageType, decimal Value,
        DateTimeOffset StartAt, DateTimeOffset EndAt, string? Channel, Terms.ScopeRequest Filter, int TotalCount, int UsedCount, PromoStatus Status,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    public sealed record CouponCode(string Code, CouponUsageStatus Status, string? OrderBid);

    public static RouteGroupBuilder MapCoupons(this RouteGroupBuilder api)
    {
        var coupons = api.MapGroup("/coupons").RequirePermission(Permissions.Promo.Coupons).WithTags("Coupons");
        coupons.MapGet("/", ListAsync);
        coupons.MapGet("/{couponBid}", GetAsync);
        coupons.MapGet("/{couponBid}/codes", ListCodesAsync);
        coupons.MapPost("/", CreateAsync).RequireDomain("promo");
        coupons.MapPatch("/{couponBid}", UpdateAsync).RequireDomain("promo");
        coupons.MapDelete("/{couponBid}", DeleteAsync).RequireDomain("promo");
        return api;
    }

    private static async Task<Results<Ok<PagedResult<CouponResponse>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, PromoDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Coupons.AsNoTracking().Where(c => !c.Deleted);
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderByDescending(c => c.CreatedAt).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<CouponResponse>(items.ConvertAll(ToResponse), total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<CouponResponse>, ProblemHttpResult>> GetAsync(string couponBid, PromoDbContext db, CancellationToken cancellationToken) =>
        await FindAsync(db.Coupons.AsNoTracking(), couponBid, cancellationToken) is { } coupon
            ? TypedResults.Ok(ToResponse(coupon))
            : Problems.NotFound($"Coupon {couponBid} does not exist.");

    /// <summary>The codes of a coupon and who holds them: generated codes, or a shared code's uses.</summary>
    private static async Task<Results<Ok<PagedResult<CouponCode>>, ValidationProblem, ProblemHttpResult>> ListCodesAsync(
        string couponBid, [AsParameters] PageRequest page, CouponUsageStatus? status, PromoDbContext db, CancellationToken cancellationToken)
    {
        if (await FindAsync(db.Coupons.AsNoTracking(), couponBid, cancellationToken) is null)
        {
            return Problems.NotFound($"Coupon {couponBid} does not exist.");
        }
        var query = db.CouponUsages.AsNoTracking().Where(u => u.CouponBid == couponBid);
        if (status is { } s) query = query.Where(u => u.Status == s);
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderBy(u => u.CreatedAt).ThenBy(u => u.CouponUsageBid).Skip(page.Skip).Take(page.PageSize)
            .Select(u => new CouponCode(u.Code, u.Status, u.OrderBid)).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<CouponCode>(items, total, page.Page, page.PageSize));
    }

    private static async Task<Results<Created<CouponResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CouponRequest request, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (Terms.Text("name", request.Name, 100, required: true) is { } badName) return badName;
        if (Terms.Text("channel", request.Channel, 50, required: false) is { } badChannel) return badChannel;
        if (request.UsageType is not { } usageType) return Invalid.Field("usageType", "usageType is shared_code or one_code_per_order.");
        if (Terms.Discount(request.DiscountType, request.Value, out var discountType, out var value) is { } badDiscount) return badDiscount;
        if (request.StartAt is not { } startAt || request.EndAt is not { } endAt) return Invalid.Field(request.StartAt is null ? "startAt" : "endAt", "startAt and endAt are required.");
        if (Terms.Window(startAt, endAt) is { } badWindow) return badWindow;
        if (Terms.Scope(request.Filter, out var filter) is { } badFilter) return badFilter;
        var limit = usageType == UsageType.OneCodePerOrder ? MaxGeneratedCodes : 1_000_000_000;
        if (request.TotalCount is not { } totalCount || totalCount < 1 || totalCount > limit)
        {
            return Invalid.Field("totalCount", $"totalCount is 1 to {limit}.");
        }
        string? code = null;
        if (usageType == UsageType.SharedCode)
        {
            code = request.Code?.Trim().ToUpperInvariant();
            if (code is null or { Length: < 4 or > 64 } || code.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
            {
                return Invalid.Field("code", "A shared coupon's code is 4 to 64 letters, digits, '-' or '_'.");
            }
            if (await db.CouponUsages.AnyAsync(u => u.Code == code && db.Coupons.Any(c => c.CouponBid == u.CouponBid && c.UsageType == UsageType.OneCodePerOrder), cancellationToken))
            {
                return Problems.Conflict("coupon_code_taken", $"The code {code} is one of another coupon's generated codes.");
            }
        }
        else if (request.Code is not null)
        {
            return Invalid.Field("code", "A one-code-per-order coupon's codes are generated; send no code.");
        }

        var coupon = new Coupon
        {
            CouponBid = Guid.CreateVersion7().ToString("N"),
            Name = request.Name!.Trim(),
            Code = code,
            DiscountType = discountType,
            UsageType = usageType,
            Value = value,
            StartAt = startAt,
            EndAt = endAt,
            Channel = request.Channel?.Trim(),
            Filter = filter,
            TotalCount = totalCount,
            Status = request.Status ?? PromoStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Coupons.Add(coupon);
        if (usageType == UsageType.OneCodePerOrder)
        {
            for (var i = 0; i < totalCount; i++)
            {
                db.CouponUsages.Add(new CouponUsage
                {
                    CouponUsageBid = Guid.CreateVersion7().ToString("N"),
                    CouponBid = coupon.CouponBid,
                    Code = NewCode(),
                    DiscountType = discountType,
                    Value = value,
                    Status = CouponUsageStatus.Inactive,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }
        }
        db.Audit(http, "create_coupon", "coupon", coupon.CouponBid, null, ToResponse(coupon), now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("coupon_code_taken", $"Another coupon has the code {code}.");
        }
        return TypedResults.Created($"/api/promo/coupons/{coupon.CouponBid}", ToResponse(coupon));
    }

    /// <summary>Name, status, window and channel can change; a coupon's discount and codes cannot once issued.</summary>
    private static async Task<Results<Ok<CouponResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string couponBid, CouponRequest request, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await FindAsync(db.Coupons, couponBid, cancellationToken) is not { } coupon)
        {
            return Problems.NotFound($"Coupon {couponBid} does not exist.");
        }
        if (request.Code is not null || request.DiscountType is not null || request.Value is not null || request.UsageType is not null || request.TotalCount is not null)
        {
            return Invalid.Field("coupon", "A coupon's code, discount, usage type and count are fixed once issued; create a new coupon instead.");
        }
        if (request.Name is not null && Terms.Text("name", request.Name, 100, required: true) is { } badName) return badName;
        if (Terms.Text("channel", request.Channel, 50, required: false) is { } badChannel) return badChannel;
        var startAt = request.StartAt ?? coupon.StartAt;
        var endAt = request.EndAt ?? coupon.EndAt;
        if (Terms.Window(startAt, endAt) is { } badWindow) return badWindow;
        var filter = coupon.Filter;
        if (request.Filter is not null && Terms.Scope(request.Filter, out filter) is { } badFilter) return badFilter;

        var before = ToResponse(coupon);
        coupon.Name = request.Name?.Trim() ?? coupon.Name;
        coupon.Channel = request.Channel?.Trim() ?? coupon.Channel;
        coupon.StartAt = startAt;
        coupon.EndAt = endAt;
        coupon.Filter = filter;
        coupon.Status = request.Status ?? coupon.Status;
        coupon.UpdatedAt = time.GetUtcNow();
        db.Audit(http, "update_coupon", "coupon", couponBid, before, ToResponse(coupon), coupon.UpdatedAt);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToResponse(coupon));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string couponBid, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await FindAsync(db.Coupons, couponBid, cancellationToken) is not { } coupon)
        {
            return Problems.NotFound($"Coupon {couponBid} does not exist.");
        }
        var before = ToResponse(coupon);
        coupon.Deleted = true;
        coupon.UpdatedAt = time.GetUtcNow();
        db.Audit(http, "delete_coupon", "coupon", couponBid, before, null, coupon.UpdatedAt);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static Task<Coupon?> FindAsync(IQueryable<Coupon> coupons, string couponBid, CancellationToken cancellationToken) =>
        coupons.FirstOrDefaultAsync(c => c.CouponBid == couponBid && !c.Deleted, cancellationToken);

    /// <summary>16 characters from a 32-letter alphabet without look-alikes: 80 random bits.</summary>
    private static string NewCode() => RandomNumberGenerator.GetString(CodeAlphabet, 16);

    private static CouponResponse ToResponse(Coupon c) =>
        new(c.CouponBid, c.Name, c.Code, c.DiscountType, c.UsageType, c.Value, c.StartAt, c.EndAt, c.Channel, Terms.ToRequest(c.Filter),
            c.TotalCount, c.UsedCount, c.Status, c.CreatedAt, c.UpdatedAt);
}
