using WebConsole.Api;

namespace WebConsole.Pages.Pool;

/// <summary>How a mother's state reads: active, invalid (its token), disabled, or resting from a rate limit until when.</summary>
public static class MotherStatus
{
    public static bool IsResting(Mother m) => m.Status == "active" && m.RateLimitedUntil > DateTimeOffset.UtcNow;

    public static string Of(Mother m) => IsResting(m) ? "resting" : m.Status;

    public static string Text(Mother m) => IsResting(m) ? $"resting until {m.RateLimitedUntil!.Value.ToLocalTime():HH:mm}" : m.Status;
}
