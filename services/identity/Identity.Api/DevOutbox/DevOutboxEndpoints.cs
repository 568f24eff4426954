using Identity.Api.Codes;
using Identity.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Identity.Api.DevOutbox;

public static class DevOutboxEndpoints
{
    public sealed record SentCode(string Code, string Channel, DateTimeOffset SentAt);

    /// <summary><c>GET /api/identity/dev/outbox?target=</c>: anonymous, and 404 unless <c>Identity:DevOutbox</c> is on.</summary>
    public static RouteGroupBuilder MapDevOutbox(this RouteGroupBuilder api)
    {
        api.MapGet("/dev/outbox", ReadAsync).AllowAnonymous().WithTags("Development");
        return api;
    }

    private static async Task<Results<Ok<List<SentCode>>, NotFound>> ReadAsync(
        string? target, IdentityDbContext db, IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        var channel = target?.Contains('@') == true ? Channel.Email : Channel.Sms;
        if (!options.Value.DevOutbox || !Targets.TryNormalize(channel, target, out var normalized, out _))
        {
            return TypedResults.NotFound();
        }
        var codes = await db.DevOutbox.Where(m => m.Target == normalized)
            .OrderByDescending(m => m.Id).Take(50)
            .Select(m => new SentCode(m.Code, m.Channel == Channel.Email ? "email" : "sms", m.SentAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(codes);
    }
}
