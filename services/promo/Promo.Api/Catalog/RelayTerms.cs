using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Platform.Contracts.Pool;
using Platform.ServiceDefaults.Http;

namespace Promo.Api.Catalog;

/// <summary>
/// The relay plan a SKU of a relay product sells (stored as JSON on the SKU, and copied onto each order as it is
/// placed): paying the order gives the buyer these terms for <see cref="Days"/> days per unit, through pool.
/// </summary>
public sealed class RelayTerms
{
    public decimal DailyCost { get; set; }
    public int RequestsPerMinute { get; set; }
    public int Concurrency { get; set; }
    public List<string> AllowedModels { get; set; } = [];
    public int Days { get; set; }

    public RelayPlanTerms ToPlanTerms() => new(DailyCost, RequestsPerMinute, Concurrency, AllowedModels);

    public RelayTerms Copy() => new()
    {
        DailyCost = DailyCost,
        RequestsPerMinute = RequestsPerMinute,
        Concurrency = Concurrency,
        AllowedModels = [.. AllowedModels],
        Days = Days,
    };
}

/// <summary>A SKU's relay plan as an administrator sets it (all of it, for every SKU of a relay product).</summary>
/// <param name="DailyCost">USD a day over all of the buyer's API keys (more than 0).</param>
/// <param name="RequestsPerMinute">Relayed requests a minute (1 to 1000000).</param>
/// <param name="Concurrency">Relayed requests in flight (1 to 10000).</param>
/// <param name="AllowedModels">Model-name prefixes the buyer may call; empty or absent: any model.</param>
/// <param name="Days">How long one unit lasts (1 to 3650 days); added to the time a live plan has left.</param>
public sealed record RelayTermsRequest(decimal? DailyCost, int? RequestsPerMinute, int? Concurrency, IReadOnlyList<string?>? AllowedModels, int? Days)
{
    /// <summary>The terms, or the first field that is wrong (named under <paramref name="prefix"/>).</summary>
    public (RelayTerms? Terms, FieldProblem? Problem) ToTerms(string prefix)
    {
        if (DailyCost is not { } cost || cost <= 0 || cost > RelayPlanTerms.MaxDailyCost || decimal.Round(cost, 6) != cost)
        {
            return (null, new(prefix + "dailyCost", $"dailyCost is required: more than 0, at most {RelayPlanTerms.MaxDailyCost} USD, at most 6 decimals."));
        }
        if (RequestsPerMinute is not (>= 1 and <= RelayPlanTerms.MaxRequestsPerMinute))
        {
            return (null, new(prefix + "requestsPerMinute", $"requestsPerMinute is required: 1 to {RelayPlanTerms.MaxRequestsPerMinute}."));
        }
        if (Concurrency is not (>= 1 and <= RelayPlanTerms.MaxConcurrency))
        {
            return (null, new(prefix + "concurrency", $"concurrency is required: 1 to {RelayPlanTerms.MaxConcurrency}."));
        }
        if (Days is not (>= 1 and <= RelayPlanTerms.MaxDays))
        {
            return (null, new(prefix + "days", $"days is required: 1 to {RelayPlanTerms.MaxDays}."));
        }
        var models = AllowedModels ?? [];
        if (models.Count > RelayPlanTerms.MaxModels || models.Any(m => m?.Trim() is not { Length: > 0 and <= RelayPlanTerms.MaxModelLength }))
        {
            return (null, new(prefix + "allowedModels", $"allowedModels holds at most {RelayPlanTerms.MaxModels} names of 1 to {RelayPlanTerms.MaxModelLength} characters."));
        }
        return (new RelayTerms
        {
            DailyCost = cost,
            RequestsPerMinute = RequestsPerMinute!.Value,
            Concurrency = Concurrency!.Value,
            AllowedModels = [.. models.Select(m => m!.Trim())],
            Days = Days!.Value,
        }, null);
    }
}

public static class RelayTermsColumns
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A <c>jsonb</c> column holding the terms (null for goods). Compared by their JSON, so a change to the terms
    /// is saved; a plain column keeps the table's conditional updates (stock) as they are.
    /// </summary>
    public static PropertyBuilder<RelayTerms?> HasRelayTermsJson(this PropertyBuilder<RelayTerms?> property) =>
        property.HasColumnType("jsonb").HasConversion(
            new ValueConverter<RelayTerms?, string?>(
                t => t == null ? null : JsonSerializer.Serialize(t, Json),
                s => s == null ? null : JsonSerializer.Deserialize<RelayTerms>(s, Json)),
            new ValueComparer<RelayTerms?>(
                (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                t => t == null ? 0 : JsonSerializer.Serialize(t, Json).GetHashCode(StringComparison.Ordinal),
                t => t == null ? null : t.Copy()));
}
