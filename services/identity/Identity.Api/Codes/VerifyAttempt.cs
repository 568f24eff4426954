namespace Identity.Api.Codes;

/// <summary>
/// A row of <c>verify_attempts</c>: one wrong code for a target from one client address (its bucket). Wrong attempts
/// are counted per (target, address), so a stranger guessing locks only their own address out of the target.
/// </summary>
public sealed class VerifyAttempt
{
    public long Id { get; set; }
    public required string Target { get; set; }
    public required string Ip { get; set; }
    public DateTimeOffset At { get; set; }
}
