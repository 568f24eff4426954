using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Users;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Users.Api.Data;

namespace Users.Api.RedeemCodes;

/// <summary>Administrators create batches of redeem codes, list them (never the plain codes) and disable them.</summary>
public static partial class RedeemCodeEndpoints
{
    public const int MaxBatch = 10_000;

    public sealed record CreateCodesRequest(int Count, Guid PoolGroupId, int SeatDays, string? Prefix, DateTimeOffset? ExpiresAt) : IValidatableRequest
    {
        /// <summary>Seat days are pool's terms (<see cref="SeatTerms"/>): a code pool would refuse is never made.</summary>
        public FieldProblem? Validate() =>
            Count is < 1 or > MaxBatch ? new("count", $"count must be between 1 and {MaxBatch}.", "invalid_count")
            : PoolGroupId == Guid.Empty ? new("poolGroupId", "poolGroupId is required.", "invalid_pool_group")
            : SeatDays is < SeatTerms.MinSeatDays or > SeatTerms.MaxSeatDays
                ? new("seatDays", $"seatDays must be between {SeatTerms.MinSeatDays} and {SeatTerms.MaxSeatDays}.", "invalid_seat_days")
            : Prefix is { } prefix && !PrefixPattern().IsMatch(prefix) ? new("prefix", "prefix must be 1 to 16 letters, digits or dashes.", "invalid_prefix")
            : null;
    }

    public sealed record CreatedCodes(Guid BatchId, IReadOnlyList<string> Codes);

    public sealed record RedeemCodeResponse(Guid Id, Guid BatchId, string? Prefix, Guid PoolGroupId, int SeatDays, RedeemCodeStatus Status,
        DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt, Guid? UsedBy, DateTimeOffset? UsedAt, Guid? MotherId, string? TeamId);

    public sealed record DisabledCodes(int Disabled);

    public static RouteGroupBuilder MapRedeemCodes(this RouteGroupBuilder api)
    {
        var codes = api.MapGroup("/redeem-codes").RequirePermission(Permissions.Users.RedeemCodes).WithTags("Redeem codes");
        codes.MapPost("/", CreateAsync).RequireDomain("users");
        codes.MapGet("/", ListAsync);
        codes.MapPost("/{id:guid}/disable", DisableCodeAsync).RequireDomain("users");
        codes.MapPost("/batches/{batchId:guid}/disable", DisableBatchAsync).RequireDomain("users");
        return api;
    }

    /// <summary>201 with the plain codes, once: JSON, or CSV when the client asks for <c>text/csv</c>.</summary>
    private static async Task<Results<Created<CreatedCodes>, ContentHttpResult, ProblemHttpResult>> CreateAsync(
        CreateCodesRequest request, HttpContext http, UsersDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (request.ExpiresAt <= now)
        {
            return Problems.BadRequest("invalid_expires_at", "expiresAt must be in the future.");
        }

        var batchId = Guid.CreateVersion7();
        var actor = http.User.FindFirst("sub")?.Value ?? "unknown";
        var plain = new List<string>(request.Count);
        var prefixUpper = request.Prefix?.ToUpperInvariant();
        for (var i = 0; i < request.Count; i++)
        {
            var code = RedeemCode.Generate(prefixUpper);
            plain.Add(code);
            db.RedeemCodes.Add(new RedeemCode
            {
                Id = Guid.CreateVersion7(),
                BatchId = batchId,
                CodeHash = RedeemCode.Hash(code),
                Prefix = prefixUpper,
                PoolGroupId = request.PoolGroupId,
                SeatDays = request.SeatDays,
                ExpiresAt = request.ExpiresAt,
                CreatedAt = now,
                CreatedBy = actor,
            });
        }
        db.Audit(http, "create_redeem_codes", "redeem_code_batch", batchId.ToString(), null,
            new { request.Count, request.PoolGroupId, request.SeatDays, Prefix = prefixUpper, request.ExpiresAt }, now);
        await db.SaveChangesAsync(cancellationToken);

        var location = $"/api/users/redeem-codes?batchId={batchId}";
        if (http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)))
        {
            http.Response.Headers.Location = location;
            var csv = new StringBuilder("code,batch_id,pool_group_id,seat_days,expires_at\n");
            foreach (var code in plain)
            {
                csv.Append(code).Append(',').Append(batchId).Append(',').Append(request.PoolGroupId).Append(',')
                   .Append(request.SeatDays).Append(',').Append(request.ExpiresAt?.ToString("O")).Append('\n');
            }
            return TypedResults.Text(csv.ToString(), "text/csv", Encoding.UTF8, StatusCodes.Status201Created);
        }
        return TypedResults.Created(location, new CreatedCodes(batchId, plain));
    }

    private static async Task<Results<Ok<PagedResult<RedeemCodeResponse>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, Guid? batchId, RedeemCodeStatus? status, UsersDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var codes = db.RedeemCodes.AsNoTracking();
        if (batchId is { } batch)
        {
            codes = codes.Where(c => c.BatchId == batch);
        }
        codes = status switch
        {
            RedeemCodeStatus.Expired => codes.Where(c => c.Status == RedeemCodeStatus.Expired || (c.Status == RedeemCodeStatus.Unused && c.ExpiresAt <= now)),
            RedeemCodeStatus.Unused => codes.Where(c => c.Status == RedeemCodeStatus.Unused && (c.ExpiresAt == null || c.ExpiresAt > now)),
            { } other => codes.Where(c => c.Status == other),
            null => codes,
        };
        var total = await codes.LongCountAsync(cancellationToken);
        var items = await codes.OrderBy(c => c.Id).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<RedeemCodeResponse>(items.ConvertAll(c => new RedeemCodeResponse(
            c.Id, c.BatchId, c.Prefix, c.PoolGroupId, c.SeatDays, c.EffectiveStatus(now), c.ExpiresAt, c.CreatedAt, c.UsedBy, c.UsedAt, c.MotherId, c.TeamId)),
            total, page.Page, page.PageSize));
    }

    /// <summary>Only an unused code can be disabled: one held by a redemption finishes that redemption first.</summary>
    private static async Task<Results<Ok<DisabledCodes>, ProblemHttpResult>> DisableCodeAsync(
        Guid id, HttpContext http, UsersDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var disabled = await DisableWhereAsync(db.RedeemCodes.Where(c => c.Id == id), http, db, time, id.ToString(), cancellationToken);
        if (disabled == 0 && !await db.RedeemCodes.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return Problems.NotFound($"Redeem code {id} does not exist.");
        }
        return disabled == 1 ? TypedResults.Ok(new DisabledCodes(1)) : Problems.Conflict("code_not_unused", "Only an unused code can be disabled.");
    }

    private static async Task<Results<Ok<DisabledCodes>, ProblemHttpResult>> DisableBatchAsync(
        Guid batchId, HttpContext http, UsersDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!await db.RedeemCodes.AnyAsync(c => c.BatchId == batchId, cancellationToken))
        {
            return Problems.NotFound($"Batch {batchId} does not exist.");
        }
        return TypedResults.Ok(new DisabledCodes(await DisableWhereAsync(db.RedeemCodes.Where(c => c.BatchId == batchId), http, db, time, batchId.ToString(), cancellationToken)));
    }

    private static Task<int> DisableWhereAsync(IQueryable<RedeemCode> codes, HttpContext http, UsersDbContext db, TimeProvider time, string what, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var now = time.GetUtcNow();
            var disabled = await codes.Where(c => c.Status == RedeemCodeStatus.Unused).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, RedeemCodeStatus.Disabled), ct);
            db.Audit(http, "disable_redeem_codes", "redeem_code", what, null, new { disabled }, now);
            await db.SaveChangesAsync(ct);
            return disabled;
        }, cancellationToken);

    [GeneratedRegex("^[A-Za-z0-9-]{1,16}$")]
    private static partial Regex PrefixPattern();
}
