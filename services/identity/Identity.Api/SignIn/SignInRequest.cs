using System.Diagnostics.CodeAnalysis;
using Identity.Api.Codes;

namespace Identity.Api.SignIn;

/// <summary>The body of <c>POST /sign-in</c> and <c>POST /sessions</c>.</summary>
public sealed record SignInRequest(string? Channel, string? Target, string? Code)
{
    public bool TryValidate(out Channel channel, [NotNullWhen(true)] out string? target, [NotNullWhen(true)] out string? code, [NotNullWhen(false)] out (string Code, string Detail)? error)
    {
        target = null;
        code = null;
        if (!Targets.TryParseChannel(Channel, out channel))
        {
            error = ("invalid_channel", "channel must be \"email\" or \"sms\".");
            return false;
        }
        if (!Targets.TryNormalize(channel, Target, out target, out var targetError))
        {
            error = ("invalid_target", targetError);
            return false;
        }
        if (string.IsNullOrWhiteSpace(Code) || Code.Trim().Length > 16)
        {
            error = ("invalid_code", "code is required.");
            return false;
        }
        code = Code.Trim();
        error = null;
        return true;
    }
}

public sealed record SignedInUser(Guid Id, string? Email, string? Phone, bool IsNew);
