using System.Text.Json;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Platform.ServiceDefaults.Data;

public static class EnumColumns
{
    /// <summary>
    /// Stores an enum as its snake_case name, as the API shows it (<c>active</c>, <c>one_code_per_order</c>; not 0 or
    /// <c>Active</c>).
    /// </summary>
    public static PropertyBuilder<T> HasLowerCaseName<T>(this PropertyBuilder<T> property, int maxLength = 20) where T : struct, Enum =>
        property.HasConversion(Converter<T>()).HasMaxLength(maxLength);

    /// <inheritdoc cref="HasLowerCaseName{T}(PropertyBuilder{T}, int)"/>
    public static PropertyBuilder<T?> HasLowerCaseName<T>(this PropertyBuilder<T?> property, int maxLength = 20) where T : struct, Enum =>
        property.HasConversion(Converter<T>()).HasMaxLength(maxLength);

    private static ValueConverter<T, string> Converter<T>() where T : struct, Enum =>
        new(v => Names<T>.ToName(v), v => Names<T>.Parse(v));

    private static class Names<T> where T : struct, Enum
    {
        private static readonly Dictionary<T, string> ByValue =
            Enum.GetValues<T>().ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));
        private static readonly Dictionary<string, T> ByName = ByValue.ToDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

        public static string ToName(T value) => ByValue[value];

        public static T Parse(string name) => ByName.TryGetValue(name, out var value) ? value : Enum.Parse<T>(name, true);
    }
}
