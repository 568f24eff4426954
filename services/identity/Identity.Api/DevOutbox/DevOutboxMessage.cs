using Identity.Api.Codes;

namespace Identity.Api.DevOutbox;

/// <summary>A code as "sent" by the development outbox: the only place a plain code is ever stored.</summary>
public sealed class DevOutboxMessage
{
    public long Id { get; set; }
    public Channel Channel { get; set; }
    public required string Target { get; set; }
    public required string Code { get; set; }
    public DateTimeOffset SentAt { get; set; }
}
