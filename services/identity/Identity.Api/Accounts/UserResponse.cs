namespace Identity.Api.Accounts;

public sealed record UserResponse(Guid Id, string? Email, string? Phone, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt)
{
    public static UserResponse From(User user) => new(user.Id, user.Email, user.Phone, user.Roles, user.CreatedAt);
}
