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
        db.Audit(ActorOf(http.User), http.ClientIp(), action, entity, entityId, before, after, at);

    /// <summary>
    /// The same, for an admin write carried out away from the request that asked for it (a job): the actor and
    /// address are the ones that request recorded.
    /// </summary>
    public static void Audit(this PlatformDbContext db, string actor, string? actorIp, string action, string entity, string? entityId,
        object? before, object? after, DateTimeOffset at) =>
        db.AuditLogs.Add(new AuditLog
        {
            At = at,
            Actor = actor,
            ActorIp = actorIp,
            Action = action,
            Entity = entity,
            EntityId = entityId,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        });

    /// <summary>
    /// Who acted, as an audit row names them: the user id, and their email or phone masked
    /// (<c>a***e@example.com</c>, <c>+86*******5678</c>), so a reader can tell admins apart without the log holding
    /// their contact details.
    /// </summary>
    public static string ActorOf(ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(InternalClaims.Subject) ?? "anonymous";
        var contact = user.FindFirstValue(InternalClaims.Email) is { Length: > 0 } email ? MaskEmail(email)
            : user.FindFirstValue(InternalClaims.Phone) is { Length: > 0 } phone ? MaskPhone(phone)
            : null;
        return contact is null ? id : $"{id} {contact}";
    }

    public static string MaskEmail(string email)
    {
        var at = email.LastIndexOf('@');
        if (at < 1) return "***";
        var local = email[..at];
        return (local.Length <= 2 ? local[..1] + "***" : local[0] + "***" + local[^1]) + email[at..];
    }

    public static string MaskPhone(string phone) =>
        phone.Length <= 7 ? "***" : phone[..3] + new string('*', phone.Length - 7) + phone[^4..];
}
