using System.ComponentModel.DataAnnotations;

namespace Identity.Api;

/// <summary>
/// The <c>Identity:Limits</c> configuration section: the numbers of docs/identity.md. The defaults live in
/// appsettings.json; a value outside its range stops the service at start-up, naming the setting.
/// </summary>
public sealed class IdentityLimits : IValidatableObject
{
    public const string Section = "Identity:Limits";

    // {0} is the property, so the message names the exact setting.
    private const string OutOfRange = Section + ":{0} must be between {1} and {2}.";

    /// <summary>How long a sent code can be used.</summary>
    [Range(1, 86_400, ErrorMessage = OutOfRange)]
    public int CodeLifetimeSeconds { get; set; } = 300;

    /// <summary>The least time between two codes to one target asked from one client address (429 <c>resend_too_soon</c> with Retry-After).</summary>
    [Range(1, 86_400, ErrorMessage = OutOfRange)]
    public int ResendIntervalSeconds { get; set; } = 60;

    /// <summary>Codes one client address may request in a rolling hour; the request that finds this many bans it.</summary>
    [Range(1, 100_000, ErrorMessage = OutOfRange)]
    public int SendsPerIpPerHour { get; set; } = 10;

    [Range(1, 31_536_000, ErrorMessage = OutOfRange)]
    public int IpBanSeconds { get; set; } = 86_400;

    /// <summary>
    /// Codes one client address may have sent to one target in a rolling day (429 <c>daily_limit</c>). Counted per
    /// address, so a stranger asking for someone's codes uses up only their own allowance.
    /// </summary>
    [Range(1, 10_000, ErrorMessage = OutOfRange)]
    public int CodesPerTargetPerDay { get; set; } = 10;

    /// <summary>
    /// Codes one target may be sent in a rolling day from all addresses together. Past it sends are slowed, not
    /// stopped: at most one code per <see cref="ThrottledResendIntervalSeconds"/> (429 <c>target_throttled</c>).
    /// </summary>
    [Range(1, 100_000, ErrorMessage = OutOfRange)]
    public int CodesPerTargetOverallPerDay { get; set; } = 30;

    [Range(1, 86_400, ErrorMessage = OutOfRange)]
    public int ThrottledResendIntervalSeconds { get; set; } = 600;

    /// <summary>Wrong attempts after which a code is dead.</summary>
    [Range(1, 100, ErrorMessage = OutOfRange)]
    public int WrongAttemptsPerCode { get; set; } = 5;

    /// <summary>
    /// Wrong attempts from one client address at one target's codes in a rolling hour that lock that address out of
    /// that target (403 <c>target_locked</c>) for <see cref="TargetLockSeconds"/>; the target itself stays open to
    /// everyone else, its owner included.
    /// </summary>
    [Range(1, 10_000, ErrorMessage = OutOfRange)]
    public int WrongAttemptsPerTargetPerHour { get; set; } = 20;

    [Range(1, 31_536_000, ErrorMessage = OutOfRange)]
    public int TargetLockSeconds { get; set; } = 3_600;

    /// <summary>A bearer token's sliding lifetime: each use moves its expiry this far ahead.</summary>
    [Range(60, 31_536_000, ErrorMessage = OutOfRange)]
    public int TokenLifetimeSeconds { get; set; } = 604_800;

    /// <summary>The cap on sliding, from sign-in.</summary>
    [Range(60, 31_536_000, ErrorMessage = OutOfRange)]
    public int TokenAbsoluteLifetimeSeconds { get; set; } = 2_592_000;

    /// <summary>Sliding renewal (and an API key's last-used time) is written at most once per credential in this interval.</summary>
    [Range(1, 86_400, ErrorMessage = OutOfRange)]
    public int TokenSlideThrottleSeconds { get; set; } = 60;

    /// <summary>How long a user's grants are cached; a change applies at once regardless (the key carries a version).</summary>
    [Range(1, 86_400, ErrorMessage = OutOfRange)]
    public int PermissionCacheSeconds { get; set; } = 300;

    [Range(60, 31_536_000, ErrorMessage = OutOfRange)]
    public int SessionLifetimeSeconds { get; set; } = 604_800;

    /// <summary>How long an OAuth sign-in may take between authorize and callback.</summary>
    [Range(10, 86_400, ErrorMessage = OutOfRange)]
    public int OAuthStateSeconds { get; set; } = 600;

    public TimeSpan CodeLifetime => TimeSpan.FromSeconds(CodeLifetimeSeconds);
    public TimeSpan ResendInterval => TimeSpan.FromSeconds(ResendIntervalSeconds);
    public TimeSpan ThrottledResendInterval => TimeSpan.FromSeconds(ThrottledResendIntervalSeconds);
    public TimeSpan IpBan => TimeSpan.FromSeconds(IpBanSeconds);
    public TimeSpan TargetLock => TimeSpan.FromSeconds(TargetLockSeconds);
    public TimeSpan TokenLifetime => TimeSpan.FromSeconds(TokenLifetimeSeconds);
    public TimeSpan TokenAbsoluteLifetime => TimeSpan.FromSeconds(TokenAbsoluteLifetimeSeconds);
    public TimeSpan TokenSlideThrottle => TimeSpan.FromSeconds(TokenSlideThrottleSeconds);
    public TimeSpan PermissionCache => TimeSpan.FromSeconds(PermissionCacheSeconds);
    public TimeSpan SessionLifetime => TimeSpan.FromSeconds(SessionLifetimeSeconds);
    public TimeSpan OAuthStateLifetime => TimeSpan.FromSeconds(OAuthStateSeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CodesPerTargetOverallPerDay < CodesPerTargetPerDay)
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(CodesPerTargetOverallPerDay)} ({CodesPerTargetOverallPerDay}) must not be below {nameof(CodesPerTargetPerDay)} ({CodesPerTargetPerDay}).",
                [nameof(CodesPerTargetOverallPerDay)]);
        }
        if (TokenAbsoluteLifetimeSeconds < TokenLifetimeSeconds)
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(TokenAbsoluteLifetimeSeconds)} ({TokenAbsoluteLifetimeSeconds}) must not be shorter than {nameof(TokenLifetimeSeconds)} ({TokenLifetimeSeconds}).",
                [nameof(TokenAbsoluteLifetimeSeconds)]);
        }
    }
}
