using System.Diagnostics;
using System.Text.Json;
using Platform.ServiceDefaults.Data;

namespace Platform.ServiceDefaults.Messaging;

public static class Outbox
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Records an integration event in the outbox, to be saved by the same SaveChanges (and transaction) as the change
    /// that caused it; the dispatcher publishes it after commit. Returns the message id consumers deduplicate on.
    /// </summary>
    public static Guid AddEvent<T>(this PlatformDbContext db, T message) where T : class
    {
        var row = new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            MessageType = TypeName(typeof(T)),
            Payload = JsonSerializer.Serialize(message, Json),
            CreatedAt = DateTimeOffset.UtcNow,
            TraceParent = Activity.Current?.Id,
        };
        db.OutboxMessages.Add(row);
        return row.Id;
    }

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
