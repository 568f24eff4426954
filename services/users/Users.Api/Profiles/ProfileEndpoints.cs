using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Http;
using Users.Api.Data;

namespace Users.Api.Profiles;

public static class ProfileEndpoints
{
    public sealed record UpdateProfileRequest(string? DisplayName, string? Locale);

    public static RouteGroupBuilder MapProfiles(this RouteGroupBuilder api)
    {
        api.MapGet("/me", GetAsync).WithTags("Profile");
        api.MapPatch("/me", UpdateAsync).WithTags("Profile");
        return api;
    }

    private static async Task<Ok<ProfileResponse>> GetAsync(ClaimsPrincipal principal, UsersDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        TypedResults.Ok(ProfileResponse.From(await db.EnsureProfileAsync(principal, time, cancellationToken)));

    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> UpdateAsync(
        UpdateProfileRequest request, ClaimsPrincipal principal, UsersDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.DisplayName is { } name && (name.Trim().Length is 0 or > 100 || name.Any(char.IsControl)))
        {
            return Problems.BadRequest("invalid_display_name", "displayName must be 1 to 100 printable characters.");
        }
        if (request.Locale is { } locale && !System.Text.RegularExpressions.Regex.IsMatch(locale, "^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$"))
        {
            return Problems.BadRequest("invalid_locale", "locale must be a language tag such as en or zh-CN.");
        }
        var profile = await db.EnsureProfileAsync(principal, time, cancellationToken);
        profile.DisplayName = request.DisplayName?.Trim() ?? profile.DisplayName;
        profile.Locale = request.Locale ?? profile.Locale;
        profile.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ProfileResponse.From(profile));
    }

    /// <summary>The caller's profile, created from the gateway's verified claims on first sight.</summary>
    public static async Task<UserProfile> EnsureProfileAsync(this UsersDbContext db, ClaimsPrincipal principal, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = principal.RequiredUserId();
        await db.UpsertAsync(id, principal.FindFirstValue(InternalClaims.Email), principal.FindFirstValue(InternalClaims.Phone), time.GetUtcNow(), cancellationToken);
        return await db.Profiles.SingleAsync(p => p.Id == id, cancellationToken);
    }
}
