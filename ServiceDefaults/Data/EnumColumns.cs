using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Platform.ServiceDefaults.Data;

public static class EnumColumns
{
    /// <summary>Stores an enum as its lower-case name, as the API shows it (<c>active</c>, not 0 or <c>Active</c>).</summary>
    public static PropertyBuilder<T> HasLowerCaseName<T>(this PropertyBuilder<T> property, int maxLength = 20) where T : struct, Enum =>
        property.HasConversion(new ValueConverter<T, string>(v => v.ToString().ToLowerInvariant(), v => Enum.Parse<T>(v, true))).HasMaxLength(maxLength);
}
