using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults.Auth;

namespace Platform.ServiceDefaults.Data;

public static class AuditExtensions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Records an admin write in <c>audit_logs</c> (who, when, from where, what, before, after), saved by the same
    /// SaveChanges as the change itself.
    /// </summary>
    public static void Audit(this PlatformDbContext db, HttpContext http, string action, string entity, string? entityId,
        object? before, object? after, DateTimeOffset at) =>
        db.AuditLogs.Add(new AuditLog
        {
            At = at,
            Actor = http.User.FindFirstValue(InternalClaims.Subject) ?? "anonymous",
            ActorIp = http.ClientIp(),
            Action = action,
            Entity = entity,
            EntityId = entityId,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        });
}
