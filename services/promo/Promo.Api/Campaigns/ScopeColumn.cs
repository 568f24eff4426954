using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Promo.Api.Campaigns;

internal static class ScopeColumn
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A <see cref="Scope"/> as a jsonb column, compared by content.</summary>
    public static PropertyBuilder<Scope> AsScope(this PropertyBuilder<Scope> property) =>
        property.HasConversion(
                s => JsonSerializer.Serialize(s, Json),
                s => JsonSerializer.Deserialize<Scope>(s, Json) ?? Scope.Everything,
                new ValueComparer<Scope>((a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                    s => JsonSerializer.Serialize(s, Json).GetHashCode(), s => s))
            .HasColumnType("jsonb");
}
