using Microsoft.EntityFrameworkCore;
using Users.Api.Data;

namespace Users.Api.Profiles;

/// <summary>
/// Creates a profile the first time a user is seen, from a request's claims or from <c>UserRegistered</c>,
/// whichever comes first; both are one idempotent statement, so the race between them is harmless. Verified
/// email and phone follow identity's latest word; a known profile with nothing new is not written at all.
/// </summary>
public static class ProfileUpserts
{
    public static Task UpsertAsync(this UsersDbContext db, Guid id, string? email, string? phone, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO user_profiles (id, email, phone, status, created_at, updated_at)
            VALUES ({id}, {email}, {phone}, 'active', {now}, {now})
            ON CONFLICT (id) DO UPDATE SET
                email = coalesce(excluded.email, user_profiles.email),
                phone = coalesce(excluded.phone, user_profiles.phone),
                updated_at = excluded.updated_at
            WHERE (excluded.email IS NOT NULL AND excluded.email IS DISTINCT FROM user_profiles.email)
               OR (excluded.phone IS NOT NULL AND excluded.phone IS DISTINCT FROM user_profiles.phone)
            """, cancellationToken);
}
