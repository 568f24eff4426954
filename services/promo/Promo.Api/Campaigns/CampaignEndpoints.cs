using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Promo.Api.Data;

namespace Promo.Api.Campaigns;

/// <summary>Campaign administration. Deleting a campaign marks it deleted: its applications keep pointing at it.</summary>
public static class CampaignEndpoints
{
    public sealed record CampaignRequest(string? Name, string? Description, JoinType? JoinType, PromoStatus? Status, DateTimeOffset? StartAt,
        DateTimeOffset? EndAt, DiscountType? DiscountType, decimal? Value, string? Channel, Terms.ScopeRequest? Filter);

    public sealed record CampaignResponse(string CampaignBid, string Name, string? Description, JoinType JoinType, PromoStatus Status,
        DateTimeOffset StartAt, DateTimeOffset EndAt, DiscountType DiscountType, decimal Value, string? Channel, Terms.ScopeRequest Filter,
        DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, string UpdatedBy);

    public static RouteGroupBuilder MapCampaigns(this RouteGroupBuilder api)
    {
        var campaigns = api.MapGroup("/campaigns").RequirePermission(Permissions.Promo.Campaigns).WithTags("Campaigns");
        campaigns.MapGet("/", ListAsync);
        campaigns.MapGet("/{campaignBid}", GetAsync);
        campaigns.MapPost("/", CreateAsync).RequireDomain("promo");
        campaigns.MapPatch("/{campaignBid}", UpdateAsync).RequireDomain("promo");
        campaigns.MapDelete("/{campaignBid}", DeleteAsync).RequireDomain("promo");
        return api;
    }

    private static async Task<Results<Ok<PagedResult<CampaignResponse>>, ValidationProblem>> ListAsync(
        [AsParameters] PageRequest page, PromoStatus? status, JoinType? joinType, PromoDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Campaigns.AsNoTracking().Where(c => !c.Deleted);
        if (status is { } s) query = query.Where(c => c.Status == s);
        if (joinType is { } j) query = query.Where(c => c.JoinType == j);
        var total = await query.LongCountAsync(cancellationToken);
        var items = await query.OrderByDescending(c => c.CreatedAt).Skip(page.Skip).Take(page.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<CampaignResponse>(items.ConvertAll(ToResponse), total, page.Page, page.PageSize));
    }

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> GetAsync(string campaignBid, PromoDbContext db, CancellationToken cancellationToken) =>
        await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.CampaignBid == campaignBid && !c.Deleted, cancellationToken) is { } campaign
            ? TypedResults.Ok(ToResponse(campaign))
            : Problems.NotFound($"Campaign {campaignBid} does not exist.");

    private static async Task<Results<Created<CampaignResponse>, ValidationProblem>> CreateAsync(
        CampaignRequest request, HttpContext http, ClaimsPrincipal user, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var actor = user.FindFirstValue(InternalClaims.Subject) ?? "";
        var campaign = new Campaign
        {
            CampaignBid = Guid.CreateVersion7().ToString("N"),
            Name = "",
            Status = PromoStatus.Active,
            CreatedAt = now,
            CreatedBy = actor,
            UpdatedAt = now,
            UpdatedBy = actor,
        };
        if (Apply(campaign, request, creating: true) is { } invalid)
        {
            return invalid;
        }
        db.Campaigns.Add(campaign);
        db.Audit(http, "create_campaign", "campaign", campaign.CampaignBid, null, ToResponse(campaign), now);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/promo/campaigns/{campaign.CampaignBid}", ToResponse(campaign));
    }

    private static async Task<Results<Ok<CampaignResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string campaignBid, CampaignRequest request, HttpContext http, ClaimsPrincipal user, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.Campaigns.FirstOrDefaultAsync(c => c.CampaignBid == campaignBid && !c.Deleted, cancellationToken) is not { } campaign)
        {
            return Problems.NotFound($"Campaign {campaignBid} does not exist.");
        }
        var before = ToResponse(campaign);
        if (Apply(campaign, request, creating: false) is { } invalid)
        {
            return invalid;
        }
        campaign.UpdatedAt = time.GetUtcNow();
        campaign.UpdatedBy = user.FindFirstValue(InternalClaims.Subject) ?? "";
        db.Audit(http, "update_campaign", "campaign", campaignBid, before, ToResponse(campaign), campaign.UpdatedAt);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToResponse(campaign));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string campaignBid, HttpContext http, ClaimsPrincipal user, PromoDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.Campaigns.FirstOrDefaultAsync(c => c.CampaignBid == campaignBid && !c.Deleted, cancellationToken) is not { } campaign)
        {
            return Problems.NotFound($"Campaign {campaignBid} does not exist.");
        }
        var before = ToResponse(campaign);
        campaign.Deleted = true;
        campaign.UpdatedAt = time.GetUtcNow();
        campaign.UpdatedBy = user.FindFirstValue(InternalClaims.Subject) ?? "";
        db.Audit(http, "delete_campaign", "campaign", campaignBid, before, null, campaign.UpdatedAt);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static ValidationProblem? Apply(Campaign campaign, CampaignRequest request, bool creating)
    {
        if ((creating || request.Name is not null) && Terms.Text("name", request.Name, 100, required: true) is { } badName) return badName;
        if (Terms.Text("description", request.Description, 2000, required: false) is { } badDescription) return badDescription;
        if (Terms.Text("channel", request.Channel, 50, required: false) is { } badChannel) return badChannel;
        if (creating && request.JoinType is null) return Invalid.Field("joinType", "joinType is auto, event or manual.");
        if (creating && (request.StartAt is null || request.EndAt is null)) return Invalid.Field(request.StartAt is null ? "startAt" : "endAt", "startAt and endAt are required.");
        var startAt = request.StartAt ?? campaign.StartAt;
        var endAt = request.EndAt ?? campaign.EndAt;
        if (Terms.Window(startAt, endAt) is { } badWindow) return badWindow;
        DiscountType discountType = campaign.DiscountType;
        decimal value = campaign.Value;
        if ((creating || request.DiscountType is not null || request.Value is not null)
            && Terms.Discount(request.DiscountType ?? (creating ? null : campaign.DiscountType), request.Value ?? (creating ? null : campaign.Value),
                out discountType, out value) is { } badDiscount) return badDiscount;
        var filter = campaign.Filter;
        if (request.Filter is not null && Terms.Scope(request.Filter, out filter) is { } badFilter) return badFilter;

        campaign.Name = request.Name?.Trim() ?? campaign.Name;
        campaign.Description = request.Description?.Trim() ?? campaign.Description;
        campaign.Channel = request.Channel?.Trim() ?? campaign.Channel;
        campaign.JoinType = request.JoinType ?? campaign.JoinType;
        campaign.Status = request.Status ?? campaign.Status;
        campaign.StartAt = startAt;
        campaign.EndAt = endAt;
        campaign.DiscountType = discountType;
        campaign.Value = value;
        campaign.Filter = filter;
        return null;
    }

    private static CampaignResponse ToResponse(Campaign c) =>
        new(c.CampaignBid, c.Name, c.Description, c.JoinType, c.Status, c.StartAt, c.EndAt, c.DiscountType, c.Value, c.Channel,
            Terms.ToRequest(c.Filter), c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.UpdatedBy);
}
