namespace Gateway.Auth;

/// <summary>Calls identity's <c>POST /internal/introspect</c> with the gateway's own service token.</summary>
public sealed class IntrospectionClient(HttpClient http, ServiceTokens tokens)
{
    public sealed record IntrospectResponse(
        bool Active, Guid? UserId, string[]? Roles, string? Email, string? Phone, string? CredentialType,
        string? CredentialId, DateTimeOffset? ExpiresAt, string? CsrfToken, CallerLimits? Limits, string[]? Permissions, string[]? Scopes = null);

    public async Task<IntrospectResponse> IntrospectAsync(Credential credential, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/introspect")
        {
            Content = JsonContent.Create(new { type = credential.Type, credential = credential.Value }),
        };
        request.Headers.Authorization = new("Bearer", tokens.For("identity"));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // A credential identity cannot read (malformed, too long) is simply not a valid one.
            return (int)response.StatusCode is >= 400 and < 500 and not 401 and not 403
                ? new IntrospectResponse(false, null, null, null, null, null, null, null, null, null, null)
                : throw new HttpRequestException($"Introspection answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
        return await response.Content.ReadFromJsonAsync<IntrospectResponse>(cancellationToken)
            ?? throw new HttpRequestException("Introspection answered with an empty body.");
    }
}
