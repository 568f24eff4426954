using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Promo.Api.Data;

namespace Promo.Api.Catalog;

/// <summary>
/// Products and their SKUs: anyone reads what is on sale; admins create and change them. Stock changes only by
/// deltas (<c>POST /skus/{id}/stock</c>), applied as conditional updates, so an admin never overwrites what orders
/// reserved in the meantime.
/// </summary>
public static class CatalogEndpoints
{
    /// <summary>A SKU as an administrator makes or changes it.</summary>
    /// <param name="Relay">The relay plan the SKU sells: required for every SKU of a relay product, refused on goods.</param>
    public sealed record SkuRequest(string? Code, string? Name, decimal? Price, int? Stock, bool? Active, int? HelpersRequired, RelayTermsRequest? Relay = null);

    /// <summary>A product as an administrator makes or changes it.</summary>
    /// <param name="Kind"><c>goods</c> (the default) or <c>relay</c>: a relay plan that paying gives the buyer (pool's relay, docs/relay.md). Set only when the product is made.</param>
    public sealed record ProductRequest(string? Name, string? Description, bool? Active, IReadOnlyList<SkuRequest?>? Skus, string? Kind = null) : IValidatableRequest
    {
        /// <summary>SKUs one request may create with its product; more are added one by one.</summary>
        public const int MaxSkus = 100;

        public FieldProblem? Validate()
        {
            if (Kind is not (null or "goods" or "relay"))
            {
                return new("kind", "kind is goods or relay.", "invalid_kind");
            }
            if (Skus is null)
            {
                return null;
            }
            if (Skus.Count > MaxSkus)
            {
                return new("skus", $"skus holds at most {MaxSkus} SKUs; add more with POST /api/promo/products/{{id}}/skus.");
            }
            for (var i = 0; i < Skus.Count; i++)
            {
                if (Skus[i] is null)
                {
                    return new($"skus[{i}]", "each SKU must be an object.", "invalid_skus");
                }
            }
            return null;
        }
    }

    public sealed record StockDelta(int? Delta);

    /// <param name="Relay">The relay plan the SKU sells (relay products), null for goods.</param>
    public sealed record SkuResponse(Guid Id, Guid ProductId, string Code, string Name, decimal Price, int Stock, bool Active, int HelpersRequired,
        RelayTerms? Relay);

    /// <param name="Kind"><c>goods</c> or <c>relay</c>.</param>
    public sealed record ProductResponse(Guid Id, string Name, string? Description, bool Active, IReadOnlyList<SkuResponse> Skus,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Kind);

    public static RouteGroupBuilder MapCatalog(this RouteGroupBuilder api)
    {
        var products = api.MapGroup("/products").WithTags("Catalog");
        products.MapGet("/", ListAsync).AllowAnonymous();
        products.MapGet("/{id:guid}", GetAsync).AllowAnonymous();
        var admin = api.MapGroup("/").RequirePermission(Permissions.Promo.Catalog).WithTags("Catalog");
        admin.MapPost("/products", CreateAsync).RequireDomain("promo");
        admin.MapPatch("/products/{id:guid}", UpdateAsync).RequireDomain("promo");
        admin.MapPost("/products/{id:guid}/skus", AddSkuAsync).RequireDomain("promo");
        admin.MapPatch("/skus/{id:guid}", UpdateSkuAsync).RequireDomain("promo");
        admin.MapPost("/skus/{id:guid}/stock", AdjustStockAsync).RequireDomain("promo");
        return api;
    }

    /// <summary>Products on sale with their SKUs on sale; an admin (or a catalog grant holder) asking <c>?all=true</c> sees everything.</summary>
    private static async Task<Results<Ok<PagedResult<ProductResponse>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, bool? all, ClaimsPrincipal user, PromoDbContext db, CancellationToken cancellationToken)
    {
        var everything = all == true && user.Can(Permissions.Promo.Catalog, Permissions.Read);
        var query = db.Products.AsNoTracking().Include(p => p.Skus).Where(p => everything || p.Active);
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderBy(p => p.Name).ThenBy(p => p.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<ProductResponse>(items.ConvertAll(p => ToResponse(p, everything)), total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, PromoDbContext db, CancellationToken cancellationToken)
    {
        var admin = user.Can(Permissions.Promo.Catalog, Permissions.Read);
        return await db.Products.AsNoTracking().Include(p => p.Skus).FirstOrDefaultAsync(p => p.Id == id, cancellationToken) is { } product && (admin || product.Active)
            ? TypedResults.Ok(ToResponse(product, admin))
            : Problems.NotFound($"Product {id} does not exist.");
    }

    private static async Task<Results<Created<ProductResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        ProductRequest request, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var product = new Product
        {
            Id = Guid.CreateVersion7(),
            Name = "",
            Active = request.Active ?? true,
            CreatedAt = now,
            UpdatedAt = now,
            Kind = request.Kind == "relay" ? ProductKind.Relay : ProductKind.Goods,
        };
        if (Apply(product, request, creating: true) is { } invalid)
        {
            return invalid;
        }
        foreach (var (skuRequest, index) in (request.Skus ?? []).Select((s, i) => (s, i)))
        {
            var sku = NewSku(product.Id, now);
            if (Apply(sku, skuRequest!, creating: true, product.Kind, $"skus[{index}].") is { } invalidSku)
            {
                return invalidSku;
            }
            product.Skus.Add(sku);
        }
        db.Products.Add(product);
        db.Audit(http, "create_product", "product", product.Id.ToString(), null, ToResponse(product, true), now);
        return await SaveAsync(db, cancellationToken) ?? (Results<Created<ProductResponse>, ValidationProblem, ProblemHttpResult>)
            TypedResults.Created($"/api/promo/products/{product.Id}", ToResponse(product, true));
    }

    private static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, ProductRequest request, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.Products.Include(p => p.Skus).FirstOrDefaultAsync(p => p.Id == id, cancellationToken) is not { } product)
        {
            return Problems.NotFound($"Product {id} does not exist.");
        }
        if (request.Skus is not null)
        {
            return Invalid.Field("skus", $"Add SKUs with POST /api/promo/products/{id}/skus and change them with PATCH /api/promo/skus/{{id}}.");
        }
        if (request.Kind is not null)
        {
            return Invalid.Field("kind", "kind is set when the product is made: its SKUs depend on it.");
        }
        var before = ToResponse(product, true);
        if (Apply(product, request, creating: false) is { } invalid)
        {
            return invalid;
        }
        product.UpdatedAt = time.GetUtcNow();
        db.Audit(http, "update_product", "product", id.ToString(), before, ToResponse(product, true), product.UpdatedAt);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToResponse(product, true));
    }

    private static async Task<Results<Created<SkuResponse>, ValidationProblem, ProblemHttpResult>> AddSkuAsync(
        Guid id, SkuRequest request, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.Products.AsNoTracking().Where(p => p.Id == id).Select(p => (ProductKind?)p.Kind).FirstOrDefaultAsync(cancellationToken) is not { } kind)
        {
            return Problems.NotFound($"Product {id} does not exist.");
        }
        var now = time.GetUtcNow();
        var sku = NewSku(id, now);
        if (Apply(sku, request, creating: true, kind) is { } invalid)
        {
            return invalid;
        }
        db.Skus.Add(sku);
        db.Audit(http, "create_sku", "sku", sku.Id.ToString(), null, ToResponse(sku), now);
        return await SaveAsync(db, cancellationToken) ?? (Results<Created<SkuResponse>, ValidationProblem, ProblemHttpResult>)
            TypedResults.Created($"/api/promo/skus/{sku.Id}", ToResponse(sku));
    }

    private static async Task<Results<Ok<SkuResponse>, ValidationProblem, ProblemHttpResult>> UpdateSkuAsync(
        Guid id, SkuRequest request, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.Skus.Include(s => s.Product).FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is not { } sku)
        {
            return Problems.NotFound($"SKU {id} does not exist.");
        }
        if (request.Stock is not null)
        {
            return Invalid.Field("stock", $"Change stock by a delta with POST /api/promo/skus/{id}/stock, so reservations in flight are kept.");
        }
        var before = ToResponse(sku);
        if (Apply(sku, request, creating: false, sku.Product!.Kind) is { } invalid)
        {
            return invalid;
        }
        sku.UpdatedAt = time.GetUtcNow();
        db.Audit(http, "update_sku", "sku", id.ToString(), before, ToResponse(sku), sku.UpdatedAt);
        return await SaveAsync(db, cancellationToken) ?? (Results<Ok<SkuResponse>, ValidationProblem, ProblemHttpResult>)TypedResults.Ok(ToResponse(sku));
    }

    private static async Task<Results<Ok<SkuResponse>, ValidationProblem, ProblemHttpResult>> AdjustStockAsync(
        Guid id, StockDelta request, HttpContext http, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.Delta is not { } delta || delta == 0 || Math.Abs((long)delta) > 1_000_000)
        {
            return Invalid.Field("delta", "delta is a non-zero whole number between -1000000 and 1000000.");
        }
        var now = time.GetUtcNow();
        return await db.InTransactionAsync<Results<Ok<SkuResponse>, ValidationProblem, ProblemHttpResult>>(async ct =>
        {
            if (await db.Skus.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is not { } before)
            {
                return Problems.NotFound($"SKU {id} does not exist.");
            }
            var changed = await db.Skus.Where(s => s.Id == id && s.Stock + delta >= 0)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stock, x => x.Stock + delta).SetProperty(x => x.UpdatedAt, now), ct);
            if (changed == 0)
            {
                return Problems.Conflict("insufficient_stock", $"SKU {before.Code} has fewer than {-delta} in stock to take away.");
            }
            var after = await db.Skus.AsNoTracking().FirstAsync(s => s.Id == id, ct);
            db.Audit(http, "adjust_stock", "sku", id.ToString(), new { stock = after.Stock - delta }, new { stock = after.Stock, delta }, now);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(ToResponse(after));
        }, cancellationToken);
    }

    private static Sku NewSku(Guid productId, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(), ProductId = productId, Code = "", Name = "", Active = true, CreatedAt = now, UpdatedAt = now };

    private static ValidationProblem? Apply(Product product, ProductRequest request, bool creating)
    {
        if (creating || request.Name is not null)
        {
            if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 200)
            {
                return Invalid.Field("name", "name is required, at most 200 characters.");
            }
            product.Name = request.Name.Trim();
        }
        if (request.Description is { Length: > 2000 })
        {
            return Invalid.Field("description", "description is at most 2000 characters.");
        }
        product.Description = request.Description ?? product.Description;
        product.Active = request.Active ?? product.Active;
        return null;
    }

    private static ValidationProblem? Apply(Sku sku, SkuRequest request, bool creating, ProductKind kind, string prefix = "")
    {
        if (kind == ProductKind.Goods && request.Relay is not null)
        {
            return Invalid.Field(prefix + "relay", "relay terms belong to SKUs of a relay product (kind relay).");
        }
        if (kind == ProductKind.Relay && (creating || request.Relay is not null))
        {
            if (request.Relay is null)
            {
                return Invalid.Field(prefix + "relay", "each SKU of a relay product says which relay plan it sells (relay).");
            }
            var (terms, problem) = request.Relay.ToTerms(prefix + "relay.");
            if (problem is not null)
            {
                return Invalid.Field(problem.Field, problem.Message, "invalid_relay");
            }
            sku.Relay = terms;
        }
        if (creating || request.Code is not null)
        {
            if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Trim().Length > 64)
            {
                return Invalid.Field(prefix + "code", "code is required, at most 64 characters.");
            }
            sku.Code = request.Code.Trim();
        }
        if (creating || request.Name is not null)
        {
            if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 200)
            {
                return Invalid.Field(prefix + "name", "name is required, at most 200 characters.");
            }
            sku.Name = request.Name.Trim();
        }
        if (creating || request.Price is not null)
        {
            if (request.Price is not { } price || price < 0 || price > 1_000_000_000m || decimal.Round(price, 2) != price)
            {
                return Invalid.Field(prefix + "price", "price is required: 0 to 1000000000 with at most 2 decimals.");
            }
            sku.Price = price;
        }
        if (creating)
        {
            if (request.Stock is not { } stock || stock < 0)
            {
                return Invalid.Field(prefix + "stock", "stock is required and not negative.");
            }
            sku.Stock = stock;
        }
        if (request.HelpersRequired is { } helpers)
        {
            if (helpers is < 0 or > 100)
            {
                return Invalid.Field(prefix + "helpersRequired", "helpersRequired is 0 (no help task) to 100.");
            }
            sku.HelpersRequired = helpers;
        }
        sku.Active = request.Active ?? sku.Active;
        return null;
    }

    private static async Task<ProblemHttpResult?> SaveAsync(PromoDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("sku_code_taken", "A SKU with this code exists.");
        }
    }

    private static ProductResponse ToResponse(Product p, bool everything) =>
        new(p.Id, p.Name, p.Description, p.Active, p.Skus.Where(s => everything || s.Active).OrderBy(s => s.Code).Select(ToResponse).ToList(),
            p.CreatedAt, p.UpdatedAt, p.Kind == ProductKind.Relay ? "relay" : "goods");

    private static SkuResponse ToResponse(Sku s) => new(s.Id, s.ProductId, s.Code, s.Name, s.Price, s.Stock, s.Active, s.HelpersRequired, s.Relay?.Copy());
}
