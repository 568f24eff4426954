using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Users.Api.RedeemCodes;

/// <summary>
/// A row of <c>redeem_codes</c>. Only the SHA-256 of the code is stored: the plain codes exist once, in the answer
/// that created the batch.
/// </summary>
public sealed class RedeemCode
{
    public Guid Id { get; set; }
    public Guid BatchId { get; set; }
    public required string CodeHash { get; set; }
    public string? Prefix { get; set; }
    public Guid PoolGroupId { get; set; }
    public int SeatDays { get; set; }
    public RedeemCodeStatus Status { get; set; } = RedeemCodeStatus.Unused;
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    /// <summary>The redemption holding (or that used) the code.</summary>
    public Guid? RedemptionId { get; set; }
    public Guid? UsedBy { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public Guid? MotherId { get; set; }
    public string? TeamId { get; set; }

    /// <summary>The status as a person sees it: an unused code past its expiry is expired.</summary>
    public RedeemCodeStatus EffectiveStatus(DateTimeOffset now) =>
        Status == RedeemCodeStatus.Unused && ExpiresAt <= now ? RedeemCodeStatus.Expired : Status;

    /// <summary>Optional prefix + 16 random bytes in base 36 (upper case).</summary>
    public static string Generate(string? prefix)
    {
        var value = new BigInteger(RandomNumberGenerator.GetBytes(16), isUnsigned: true);
        var digits = new StringBuilder();
        do
        {
            digits.Insert(0, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(int)(value % 36)]);
            value /= 36;
        }
        while (value > 0);
        return (prefix ?? "") + digits.ToString().PadLeft(25, '0');
    }

    /// <summary>Codes are case-insensitive and may come with stray spaces.</summary>
    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant())));
}

public enum RedeemCodeStatus
{
    Unused,
    Reserved,
    Used,
    Expired,
    Disabled,
}
