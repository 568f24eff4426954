namespace Identity.Api;

/// <summary>The numbers of SPEC.md ("identity").</summary>
public static class Limits
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(300);
    public static readonly TimeSpan ResendInterval = TimeSpan.FromSeconds(60);
    public const int SendsPerIpPerHour = 10;
    public static readonly TimeSpan IpBan = TimeSpan.FromHours(24);
    public const int CodesPerTargetPerDay = 10;
    public const int WrongAttemptsPerCode = 5;
    public const int WrongAttemptsPerTargetPerHour = 20;
    public static readonly TimeSpan TargetLock = TimeSpan.FromHours(1);

    public static readonly TimeSpan TokenLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan TokenAbsoluteLifetime = TimeSpan.FromDays(30);
    /// <summary>Sliding renewal writes at most once per token in this interval.</summary>
    public static readonly TimeSpan TokenSlideThrottle = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan SessionLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan OAuthStateLifetime = TimeSpan.FromSeconds(600);
}
