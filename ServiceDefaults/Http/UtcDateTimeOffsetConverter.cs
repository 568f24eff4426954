using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.ServiceDefaults.Http;

/// <summary>
/// Times in request bodies are read as UTC instants: the platform stores and compares UTC only (PostgreSQL's
/// <c>timestamptz</c> through Npgsql takes no other offset), so <c>2030-01-01T02:00:00+02:00</c> is kept as
/// <c>2030-01-01T00:00:00Z</c>, the same instant. Writing is System.Text.Json's own.
/// </summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}
