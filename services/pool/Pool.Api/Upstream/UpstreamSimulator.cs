using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Pool.Api.Upstream;

/// <summary>
/// An in-memory upstream for development (<c>Upstream:Mode=simulator</c>, which <c>./run.sh</c> uses): every token is
/// accepted except those starting with <c>invalid</c>; each token manages one team, named after the token's hash;
/// members live as long as the process.
/// </summary>
public sealed class UpstreamSimulator : IUpstreamTeamClient
{
    private readonly ConcurrentDictionary<string, string> _teamNames = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, UpstreamMember>> _members = new();

    public Task<IReadOnlyList<UpstreamTeam>> ListTeamsAsync(string accessToken, CancellationToken cancellationToken)
    {
        var teamId = TeamOf(accessToken);
        var name = _teamNames.GetOrAdd(teamId, id => "team-" + id[^6..]);
        return Task.FromResult<IReadOnlyList<UpstreamTeam>>([new UpstreamTeam(teamId, name)]);
    }

    public Task<IReadOnlyList<UpstreamMember>> ListMembersAsync(string accessToken, string teamId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UpstreamMember>>([.. Members(accessToken, teamId).Values.OrderBy(m => m.Email, StringComparer.Ordinal).Take(limit)]);

    public Task<UpstreamMember> InviteAsync(string accessToken, string teamId, string email, CancellationToken cancellationToken) =>
        Task.FromResult(Members(accessToken, teamId).GetOrAdd(email.ToLowerInvariant(), e => new UpstreamMember("m-" + Guid.NewGuid().ToString("N")[..12], e)));

    public Task<bool> RemoveAsync(string accessToken, string teamId, string email, CancellationToken cancellationToken) =>
        Task.FromResult(Members(accessToken, teamId).TryRemove(email.ToLowerInvariant(), out _));

    public Task RenameTeamAsync(string accessToken, string teamId, string name, CancellationToken cancellationToken)
    {
        Members(accessToken, teamId);
        _teamNames[teamId] = name;
        return Task.CompletedTask;
    }

    private ConcurrentDictionary<string, UpstreamMember> Members(string accessToken, string teamId) =>
        TeamOf(accessToken) == teamId
            ? _members.GetOrAdd(teamId, _ => new())
            : throw new UpstreamException(UpstreamErrorKind.Rejected, "The token does not manage this team.");

    private static string TeamOf(string accessToken) =>
        accessToken.StartsWith("invalid", StringComparison.Ordinal)
            ? throw new UpstreamException(UpstreamErrorKind.Rejected, "The upstream refused the token.")
            : "sim-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(accessToken)))[..12];
}
