using System.Security.Cryptography;
using Identity.Api.Bans;
using Identity.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Identity.Api.Codes;

public enum CodeCheck
{
    Valid,
    Invalid,
    Expired,
    Used,
    TargetLocked,
}

/// <summary>Checks a submitted code against the target's newest code, counting wrong attempts per client address.</summary>
public sealed class CodeVerifier(IdentityDbContext db, IdentitySecrets secrets, TimeProvider time, IHostEnvironment environment,
    IOptions<IdentityOptions> options, IOptions<IdentityLimits> limits)
{
    private readonly IdentityLimits _limits = limits.Value;

    /// <summary>
    /// Call inside a transaction. The code checked is the newest live one sent to this target from this client
    /// address (<paramref name="clientAddress"/>, a bucket), so codes others ask for meanwhile do not replace it;
    /// without one, the target's newest (asked on one network, typed on another). It is locked (FOR UPDATE) so two
    /// concurrent sign-ins cannot both use it, and wrong attempts are saved even though the caller answers with an
    /// error. Too many wrong attempts from one address lock that address, not the target, out.
    /// </summary>
    public async Task<CodeCheck> CheckAsync(Channel channel, string target, string code, string clientAddress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await db.TargetLockedUntilAsync(target, clientAddress, now, cancellationToken) is not null)
        {
            return CodeCheck.TargetLocked;
        }

        var latest = await db.VerifyCodes
            .FromSql($"""
                SELECT * FROM verify_codes WHERE target = {target} AND channel = {channel.ToString().ToLowerInvariant()}
                ORDER BY (ip = {clientAddress} AND used_at IS NULL AND expires_at > {now} AND attempts < {_limits.WrongAttemptsPerCode}) DESC, id DESC
                LIMIT 1 FOR UPDATE
                """)
            .SingleOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return CodeCheck.Invalid;
        }
        if (latest.UsedAt is not null || latest.Attempts >= _limits.WrongAttemptsPerCode)
        {
            return CodeCheck.Used;
        }
        if (latest.ExpiresAt <= now)
        {
            return CodeCheck.Expired;
        }
        if (Matches(latest, target, code))
        {
            latest.UsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
            return CodeCheck.Valid;
        }

        latest.Attempts++;
        db.VerifyAttempts.Add(new VerifyAttempt { Target = target, Ip = clientAddress, At = now });
        var hourAgo = now - TimeSpan.FromHours(1);
        var wrongThisHour = await db.VerifyAttempts.CountAsync(a => a.Target == target && a.Ip == clientAddress && a.At > hourAgo, cancellationToken) + 1;
        if (wrongThisHour >= _limits.WrongAttemptsPerTargetPerHour)
        {
            var until = now + _limits.TargetLock;
            var reason = $"{_limits.WrongAttemptsPerTargetPerHour} wrong codes in an hour from one address.";
            db.AddBan(BanKind.TargetIp, target, now, until, reason, "system", clientAddress);
        }
        // A target's attempts older than a day count for nothing: they go as new ones come.
        await db.VerifyAttempts.Where(a => a.Target == target && a.At < now - TimeSpan.FromDays(1)).ExecuteDeleteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return CodeCheck.Invalid;
    }

    private bool Matches(VerifyCode stored, string target, string code)
    {
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return false;
        }
        if (options.Value.UniversalCode is { Length: > 0 } universal && environment.IsDevelopment()
            && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(universal), System.Text.Encoding.UTF8.GetBytes(code)))
        {
            return true;
        }
        return CryptographicOperations.FixedTimeEquals(stored.CodeHash, secrets.HashCode(target, code));
    }
}
