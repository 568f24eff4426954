using System.Net;
using System.Net.Http.Headers;

namespace Pool.Api.Upstream;

/// <summary>
/// The upstream team API over HTTP. Protocol (JSON, camelCase; every call sends <c>Authorization: Bearer &lt;mother's
/// access token&gt;</c>; paths are relative to <c>Upstream:BaseUrl</c>):
/// <code>
/// GET    v1/teams                           200 {"teams":[{"id","name"}]}
/// GET    v1/teams/{teamId}/members?limit=N  200 {"members":[{"id","email"}]}       (at most N)
/// POST   v1/teams/{teamId}/members          {"email"} → 201 {"id","email"}, or 200 with the same body when
///                                           the email is already a member (so a retried invite is harmless)
/// DELETE v1/teams/{teamId}/members/{email}  204, or 404 when the email is not a member
/// PATCH  v1/teams/{teamId}                  {"name"} → 200 {"id","name"}
/// </code>
/// Errors: 401/403 the token is refused or does not manage the team; 404 unknown team; 429 rate limited (with
/// Retry-After); 5xx unavailable. Retries of transient failures come from the standard resilience handler.
/// </summary>
public sealed class HttpUpstreamTeamClient(HttpClient http) : IUpstreamTeamClient
{
    private sealed record TeamsBody(List<UpstreamTeam> Teams);

    private sealed record MembersBody(List<UpstreamMember> Members);

    public async Task<IReadOnlyList<UpstreamTeam>> ListTeamsAsync(string accessToken, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "v1/teams", accessToken, null, cancellationToken);
        return (await ReadAsync<TeamsBody>(response, cancellationToken)).Teams;
    }

    public async Task<IReadOnlyList<UpstreamMember>> ListMembersAsync(string accessToken, string teamId, int limit, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v1/teams/{Escape(teamId)}/members?limit={limit}", accessToken, null, cancellationToken);
        return (await ReadAsync<MembersBody>(response, cancellationToken)).Members;
    }

    public async Task<UpstreamMember> InviteAsync(string accessToken, string teamId, string email, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"v1/teams/{Escape(teamId)}/members", accessToken, new { email }, cancellationToken);
        return await ReadAsync<UpstreamMember>(response, cancellationToken);
    }

    public async Task<bool> RemoveAsync(string accessToken, string teamId, string email, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"v1/teams/{Escape(teamId)}/members/{Escape(email)}", accessToken, null, cancellationToken, allowNotFound: true);
        return response.StatusCode != HttpStatusCode.NotFound;
    }

    public async Task RenameTeamAsync(string accessToken, string teamId, string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Patch, $"v1/teams/{Escape(teamId)}", accessToken, new { name }, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string accessToken, object? body,
        CancellationToken cancellationToken, bool allowNotFound = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested))
        {
            throw new UpstreamException(UpstreamErrorKind.Unavailable, $"The upstream did not answer {method} {path}: {ex.Message}", ex);
        }
        if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
        {
            return response;
        }
        var status = response.StatusCode;
        response.Dispose();
        throw status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new UpstreamException(UpstreamErrorKind.Rejected, $"The upstream refused the token ({(int)status}) on {method} {path}."),
            HttpStatusCode.NotFound => new UpstreamException(UpstreamErrorKind.NotFound, $"The upstream has no {path}."),
            HttpStatusCode.TooManyRequests => new UpstreamException(UpstreamErrorKind.RateLimited, $"The upstream rate-limited {method} {path}."),
            _ => new UpstreamException(UpstreamErrorKind.Unavailable, $"The upstream answered {(int)status} to {method} {path}."),
        };
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(cancellationToken)
        ?? throw new UpstreamException(UpstreamErrorKind.Unavailable, "The upstream answered an empty body.");

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
