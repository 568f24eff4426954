using System.Text.Json;
using Promo.Api.Campaigns;

namespace Promo.Api.Legacy;

/// <summary>
/// How a legacy row becomes a promo row (docs/legacy-import.md has the full table).
/// Pure functions: the import writes what they return and the check compares against it.
/// </summary>
public static class LegacyMapping
{
    /// <summary>Written as created_by/updated_by, so imported campaigns can be told from ones made in promo.</summary>
    public const string Actor = "legacy-import";

    public const int LegacyFixed = 701;
    public const int LegacyPercent = 702;

    // promo's column lengths (PromoDbContext); the legacy columns are wider.
    private const int NameLength = 100;
    private const int DescriptionLength = 2000;
    private const int ChannelLength = 50;

    public static Campaign ToCampaign(LegacyCampaignRow row)
    {
        var filterUnderstood = TryReadFilter(row.Filter, out var scope);
        return new Campaign
        {
            CampaignBid = row.ActiveId,
            Name = Fit(row.Name, NameLength),
            Description = Blank(row.Description) ? null : Fit(row.Description!, DescriptionLength),
            JoinType = ToJoinType(row.JoinType),
            // A filter promo cannot express must not widen to "every SKU" on a live campaign: it stays off until an
            // admin gives it a scope.
            Status = filterUnderstood ? ToStatus(row.Status) : PromoStatus.Inactive,
            StartAt = Utc(row.StartTime),
            EndAt = Utc(row.EndTime),
            DiscountType = ToDiscountType(row.DiscountType),
            // active_price is the campaign's value; active_discount is not used (docs/legacy-import.md).
            Value = Money(row.Price),
            Channel = Blank(row.Channel) ? null : Fit(row.Channel!, ChannelLength),
            Filter = scope,
            Deleted = row.Deleted,
            CreatedAt = Utc(row.CreatedAt),
            CreatedBy = Actor,
            UpdatedAt = Utc(row.UpdatedAt),
            UpdatedBy = Actor,
        };
    }

    public static CampaignApplication ToApplication(LegacyApplicationRow row) => new()
    {
        CampaignApplicationBid = row.RecordId,
        CampaignBid = row.ActiveId,
        OrderBid = row.OrderId,
        UserBid = row.UserId,
        CampaignName = Fit(row.ActiveName, NameLength),
        // The record holds only the amount taken off the order, so the snapshot is that amount as a fixed discount.
        DiscountType = DiscountType.Fixed,
        Value = Money(row.Price),
        DiscountAmount = Money(row.Price),
        Status = ToApplicationStatus(row.Status),
        Deleted = row.Deleted,
        CreatedAt = Utc(row.CreatedAt),
        UpdatedAt = Utc(row.UpdatedAt),
    };

    /// <summary>701 fixed and 702 percent are kept; any other code becomes fixed.</summary>
    public static DiscountType ToDiscountType(int legacy) => legacy == LegacyPercent ? DiscountType.Percent : DiscountType.Fixed;

    /// <summary>auto, event or manual (any case); anything else is manual, so an unknown campaign never applies by itself.</summary>
    public static JoinType ToJoinType(string? legacy) => Normalized(legacy) switch
    {
        "auto" => JoinType.Auto,
        "event" => JoinType.Event,
        _ => JoinType.Manual,
    };

    /// <summary>active stays active; anything else is inactive, so an unknown status never turns a campaign on.</summary>
    public static PromoStatus ToStatus(string? legacy) => Normalized(legacy) == "active" ? PromoStatus.Active : PromoStatus.Inactive;

    /// <summary>voided stays voided; anything else is applied, since a record exists because the campaign was applied.</summary>
    public static ApplicationStatus ToApplicationStatus(string? legacy) =>
        Normalized(legacy) == "voided" ? ApplicationStatus.Voided : ApplicationStatus.Applied;

    /// <summary>Money is numeric(18,2) in promo; rounded as PostgreSQL rounds numeric (half away from zero).</summary>
    public static decimal Money(decimal legacy) => Math.Round(legacy, 2, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Reads <c>active_filter</c>: blank, <c>{}</c> or <c>null</c> is every SKU; <c>{"sku_ids": [...], "product_ids":
    /// [...]}</c> with uuids is that scope. Anything else is not understood (false) and reads as every SKU.
    /// </summary>
    public static bool TryReadFilter(string? legacy, out Scope scope)
    {
        scope = Scope.Everything;
        if (Blank(legacy))
        {
            return true;
        }
        try
        {
            using var json = JsonDocument.Parse(legacy!);
            if (json.RootElement.ValueKind == JsonValueKind.Null)
            {
                return true;
            }
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            List<Guid> skuIds = [], productIds = [];
            foreach (var property in json.RootElement.EnumerateObject())
            {
                var ids = property.Name switch
                {
                    "sku_ids" => skuIds,
                    "product_ids" => productIds,
                    _ => null,
                };
                if (ids is null || !TryReadIds(property.Value, ids))
                {
                    return false;
                }
            }
            scope = new Scope(skuIds, productIds);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadIds(JsonElement array, List<Guid> into)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !Guid.TryParse(item.GetString(), out var id))
            {
                return false;
            }
            into.Add(id);
        }
        return true;
    }

    // SQLAlchemy's DateTime is a timestamp without time zone; its values are taken as UTC (docs/legacy-import.md).
    private static DateTimeOffset Utc(DateTime legacy) => new(DateTime.SpecifyKind(legacy, DateTimeKind.Utc));

    private static string Fit(string text, int length) =>
        text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];

    private static bool Blank(string? text) => string.IsNullOrWhiteSpace(text);

    private static string Normalized(string? text) => text?.Trim().ToLowerInvariant() ?? "";
}
