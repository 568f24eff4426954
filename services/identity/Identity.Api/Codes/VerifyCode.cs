namespace Identity.Api.Codes;

/// <summary>A row of <c>verify_codes</c>. Only an HMAC of the code is kept, so a dump reveals nothing usable.</summary>
public sealed class VerifyCode
{
    public long Id { get; set; }
    public Channel Channel { get; set; }
    public required string Target { get; set; }
    public required byte[] CodeHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public required string Ip { get; set; }
}
