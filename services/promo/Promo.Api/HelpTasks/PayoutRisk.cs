using System.Security.Cryptography;
using System.Text;
using Promo.Api.Orders;

namespace Promo.Api.HelpTasks;

/// <summary>
/// What makes a payout suspicious: the owner helping their own task (high), or helpers sharing a delivery address
/// or phone with the owner or with each other, or a helper who gave no address or phone to compare (medium): the
/// address and phone checks cannot pass someone they cannot check. Anything found holds the payout for an admin.
/// </summary>
public static class PayoutRisk
{
    public const string HelperIsOwner = "helper_is_owner";
    public const string SharedAddress = "shared_address";
    public const string SharedPhone = "shared_phone";
    public const string MissingShipping = "missing_shipping";

    public static (RiskLevel Level, List<string> Reasons) Assess(Order ownerOrder, IReadOnlyList<Order> helperOrders)
    {
        var reasons = new List<string>();
        var level = RiskLevel.None;
        if (helperOrders.Any(o => o.UserBid == ownerOrder.UserBid))
        {
            reasons.Add(HelperIsOwner);
            level = RiskLevel.High;
        }
        if (Shares(ownerOrder, helperOrders, o => AddressHash(o.ShippingAddress)))
        {
            reasons.Add(SharedAddress);
            level = level == RiskLevel.None ? RiskLevel.Medium : level;
        }
        if (Shares(ownerOrder, helperOrders, o => Digits(o.RecipientPhone)))
        {
            reasons.Add(SharedPhone);
            level = level == RiskLevel.None ? RiskLevel.Medium : level;
        }
        if (helperOrders.Any(o => AddressHash(o.ShippingAddress) is null || string.IsNullOrEmpty(Digits(o.RecipientPhone))))
        {
            reasons.Add(MissingShipping);
            level = level == RiskLevel.None ? RiskLevel.Medium : level;
        }
        return (level, reasons);
    }

    /// <summary>Whether any two of the owner's and helpers' orders have the same non-empty key.</summary>
    private static bool Shares(Order ownerOrder, IReadOnlyList<Order> helperOrders, Func<Order, string?> key)
    {
        var keys = helperOrders.Prepend(ownerOrder).Select(key).Where(k => !string.IsNullOrEmpty(k)).ToList();
        return keys.Count != keys.Distinct().Count();
    }

    /// <summary>Addresses compare by a hash of their letters and digits, case-folded: spacing and punctuation do not hide a match.</summary>
    public static string? AddressHash(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }
        var normalized = new string(address.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }

    private static string? Digits(string? phone) => phone is null ? null : new string(phone.Where(char.IsAsciiDigit).ToArray());
}
