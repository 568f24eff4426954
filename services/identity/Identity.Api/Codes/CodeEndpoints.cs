using System.Globalization;
using System.Security.Cryptography;
using Identity.Api.Bans;
using Identity.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;

namespace Identity.Api.Codes;

public static class CodeEndpoints
{
    public sealed record SendCodeRequest(string? Channel, string? Target);

    public sealed record CodeSent(DateTimeOffset ExpiresAt, int ResendAfterSeconds);

    public static RouteGroupBuilder MapCodes(this RouteGroupBuilder api)
    {
        api.MapPost("/codes", SendAsync).AllowAnonymous().WithTags("Sign-in");
        return api;
    }

    /// <summary>
    /// Sends a 6-digit code through the channel's sender (502 <c>code_delivery_failed</c> when its provider fails,
    /// 503 <c>sender_unavailable</c> when none is configured). Every limit is counted from <c>verify_codes</c> in
    /// PostgreSQL under advisory locks on the client address and the target, so concurrent requests and other
    /// instances see the same counts. A target's limits count per (target, client address), so a stranger asking
    /// for someone else's codes spends only their own allowance; all addresses together have a higher daily cap,
    /// past which codes are slowed, never stopped. Addresses are counted by bucket (an IPv6 address's /64).
    /// </summary>
    private static async Task<Results<Accepted<CodeSent>, ProblemHttpResult>> SendAsync(
        SendCodeRequest request, HttpContext http, IdentityDbContext db, IdentitySecrets secrets, ICodeSender sender,
        IOptions<IdentityLimits> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (!Targets.TryParseChannel(request.Channel, out var channel))
        {
            return Problems.BadRequest("invalid_channel", "channel must be \"email\" or \"sms\".");
        }
        if (!Targets.TryNormalize(channel, request.Target, out var target, out var error))
        {
            return Problems.BadRequest("invalid_target", error);
        }
        var ip = ClientAddresses.Bucket(http.ClientIp());

        // Counted and recorded first, under the locks; the provider is called after the commit, so a slow SMTP
        // server holds neither a connection nor the IP's and target's locks.
        var (refusal, row, code) = await db.InTransactionAsync<(ProblemHttpResult?, VerifyCode?, string?)>(async ct =>
        {
            await db.LockAsync("code-ip:" + ip, ct);
            await db.LockAsync("code-target:" + target, ct);
            var now = time.GetUtcNow();

            if (await db.BannedUntilAsync(BanKind.Ip, ip, now, ct) is { } ipBanEnd)
            {
                return (Banned(ipBanEnd, "This address is banned from requesting codes."), null, null);
            }
            if (await db.TargetLockedUntilAsync(target, ip, now, ct) is { } targetBanEnd)
            {
                return (Banned(targetBanEnd, "This target is locked."), null, null);
            }

            var sentHere = db.VerifyCodes.Where(c => c.Target == target && c.Ip == ip);
            var lastSent = await sentHere.MaxAsync(c => (DateTimeOffset?)c.SentAt, ct);
            if (lastSent is { } sent && now - sent < limits.ResendInterval)
            {
                return (TooMany(http, sent + limits.ResendInterval - now, "resend_too_soon", "A code was sent to this target moments ago."), null, null);
            }

            var sentFromIp = await db.VerifyCodes.CountAsync(c => c.Ip == ip && c.CreatedAt > now - TimeSpan.FromHours(1), ct);
            if (sentFromIp >= limits.SendsPerIpPerHour)
            {
                var until = now + limits.IpBan;
                var reason = $"More than {limits.SendsPerIpPerHour} codes requested in an hour.";
                db.AddBan(BanKind.Ip, ip, now, until, reason, "system");
                await db.SaveChangesAsync(ct);
                return (Banned(until, "This address is banned from requesting codes."), null, null);
            }

            var dayAgo = now - TimeSpan.FromDays(1);
            var todayHere = await sentHere.Where(c => c.CreatedAt > dayAgo).Select(c => c.CreatedAt).OrderBy(c => c).ToListAsync(ct);
            if (todayHere.Count >= limits.CodesPerTargetPerDay)
            {
                return (TooMany(http, todayHere[0] + TimeSpan.FromDays(1) - now, "daily_limit", "This target has had its codes for today from here."), null, null);
            }
            var today = db.VerifyCodes.Where(c => c.Target == target && c.CreatedAt > dayAgo);
            if (await today.CountAsync(ct) >= limits.CodesPerTargetOverallPerDay
                && await today.MaxAsync(c => (DateTimeOffset?)c.SentAt, ct) is { } lastAnywhere && now - lastAnywhere < limits.ThrottledResendInterval)
            {
                return (TooMany(http, lastAnywhere + limits.ThrottledResendInterval - now, "target_throttled",
                    "This target has been sent many codes today: it gets one at a time for now."), null, null);
            }

            var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            var row = new VerifyCode
            {
                Channel = channel,
                Target = target,
                CodeHash = secrets.HashCode(target, code),
                CreatedAt = now,
                SentAt = now,
                ExpiresAt = now + limits.CodeLifetime,
                Ip = ip,
            };
            db.VerifyCodes.Add(row);
            await db.SaveChangesAsync(ct);
            return (null, row, code);
        }, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        try
        {
            await sender.SendAsync(channel, target, code!, row!.ExpiresAt - row.CreatedAt, cancellationToken);
            await db.SaveChangesAsync(cancellationToken); // the development outbox's row
        }
        catch (Exception e) when (e is CodeSenderUnavailableException or CodeDeliveryFailedException)
        {
            // A code that never left neither starts the resend interval nor counts toward the IP or daily limits.
            await db.VerifyCodes.Where(c => c.Id == row!.Id).ExecuteDeleteAsync(CancellationToken.None);
            if (e is CodeDeliveryFailedException failed)
            {
                var by = failed.Channel == Channel.Email ? "email" : "SMS";
                return Problems.Create(StatusCodes.Status502BadGateway, "code_delivery_failed",
                    $"The code could not be sent by {by}: the provider did not take it. Nothing was counted; ask again.");
            }
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "sender_unavailable", e.Message);
        }
        return TypedResults.Accepted((string?)null, new CodeSent(row.ExpiresAt, limits.ResendIntervalSeconds));
    }

    private static ProblemHttpResult Banned(DateTimeOffset until, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden,
            extensions: new Dictionary<string, object?> { ["code"] = "banned", ["bannedUntil"] = until });

    private static ProblemHttpResult TooMany(HttpContext http, TimeSpan wait, string code, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Create(StatusCodes.Status429TooManyRequests, code, detail);
    }
}
