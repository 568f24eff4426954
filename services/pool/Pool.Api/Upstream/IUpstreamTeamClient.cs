namespace Pool.Api.Upstream;

public sealed record UpstreamTeam(string Id, string Name);

public sealed record UpstreamMember(string Id, string Email);

/// <summary>
/// The upstream team-account API, called with a mother's access token. Implementations: <see cref="HttpUpstreamTeamClient"/>
/// (the real API over HTTP) and <see cref="UpstreamSimulator"/> (in memory, for development).
/// </summary>
public interface IUpstreamTeamClient
{
    /// <summary>The teams the token can manage; <see cref="UpstreamErrorKind.Rejected"/> when the token is refused.</summary>
    Task<IReadOnlyList<UpstreamTeam>> ListTeamsAsync(string accessToken, CancellationToken cancellationToken);

    Task<IReadOnlyList<UpstreamMember>> ListMembersAsync(string accessToken, string teamId, int limit, CancellationToken cancellationToken);

    /// <summary>Invites the email; inviting an existing member returns that member (idempotent).</summary>
    Task<UpstreamMember> InviteAsync(string accessToken, string teamId, string email, CancellationToken cancellationToken);

    /// <summary>Removes the member; false when the email was not a member (removing twice is fine).</summary>
    Task<bool> RemoveAsync(string accessToken, string teamId, string email, CancellationToken cancellationToken);

    Task RenameTeamAsync(string accessToken, string teamId, string name, CancellationToken cancellationToken);
}

public enum UpstreamErrorKind
{
    /// <summary>The token was refused (401/403): the mother is invalid until someone gives it a new token.</summary>
    Rejected,
    NotFound,
    RateLimited,
    /// <summary>Anything transient: 5xx, timeouts, connection failures. Worth retrying later.</summary>
    Unavailable,
}

public sealed class UpstreamException(UpstreamErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public UpstreamErrorKind Kind { get; } = kind;
}

/// <summary>The <c>Upstream</c> configuration section.</summary>
public sealed class UpstreamOptions
{
    public const string Section = "Upstream";

    /// <summary><c>http</c> (the real API at <see cref="BaseUrl"/>) or <c>simulator</c> (in memory).</summary>
    public string Mode { get; set; } = "http";

    public Uri? BaseUrl { get; set; }
}
