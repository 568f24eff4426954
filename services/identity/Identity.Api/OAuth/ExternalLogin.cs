namespace Identity.Api.OAuth;

/// <summary>A row of <c>external_logins</c>: a provider's account (its <c>sub</c>) linked to one of our users.</summary>
public sealed class ExternalLogin
{
    public required string Provider { get; set; }
    public required string Subject { get; set; }
    public Guid UserId { get; set; }
    public string? Email { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
