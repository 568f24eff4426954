namespace Users.Api.Profiles;

public sealed record ProfileResponse(Guid Id, string? Email, string? Phone, string? DisplayName, string? Locale, ProfileStatus Status, DateTimeOffset CreatedAt)
{
    public static ProfileResponse From(UserProfile p) => new(p.Id, p.Email, p.Phone, p.DisplayName, p.Locale, p.Status, p.CreatedAt);
}
