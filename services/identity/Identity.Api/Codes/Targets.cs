using System.Diagnostics.CodeAnalysis;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Identity.Api.Codes;

/// <summary>Validates and normalises a code target: emails lower-cased, phones as + and digits.</summary>
public static partial class Targets
{
    public static bool TryNormalize(Channel channel, string? raw, [NotNullWhen(true)] out string? target, [NotNullWhen(false)] out string? error)
    {
        target = null;
        var value = raw?.Trim() ?? "";
        if (channel == Channel.Email)
        {
            if (value.Length is 0 or > 254 || !MailAddress.TryCreate(value, out var address) || address.Address != value || !value.Contains('.', StringComparison.Ordinal))
            {
                error = "target must be an email address.";
                return false;
            }
            target = value.ToLowerInvariant();
        }
        else
        {
            var phone = Separators().Replace(value, "");
            if (!Phone().IsMatch(phone))
            {
                error = "target must be a phone number in international form (+ and 6 to 15 digits).";
                return false;
            }
            target = phone.StartsWith('+') ? phone : "+" + phone;
        }
        error = null;
        return true;
    }

    public static bool TryParseChannel(string? raw, out Channel channel)
    {
        channel = raw switch { "email" => Channel.Email, "sms" => Channel.Sms, _ => (Channel)(-1) };
        return channel is Channel.Email or Channel.Sms;
    }

    [GeneratedRegex(@"[\s\-()]")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^\+?[1-9][0-9]{5,14}$")]
    private static partial Regex Phone();
}
