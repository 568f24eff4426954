using System.Text.Json.Serialization;

namespace Identity.Api.OAuth;

/// <summary>The provider's side of the authorization-code flow: code exchange (with the PKCE verifier) and userinfo.</summary>
public sealed class OAuthClient(HttpClient http)
{
    public sealed record UserInfo(
        [property: JsonPropertyName("sub")] string? Subject,
        [property: JsonPropertyName("email")] string? Email,
        [property: JsonPropertyName("email_verified")] bool? EmailVerified);

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string? AccessToken);

    /// <summary>The provider's user for an authorization code, or null when the provider refuses the exchange.</summary>
    public async Task<UserInfo?> ExchangeAsync(OAuthProviderOptions provider, string code, string redirectUri, string codeVerifier, CancellationToken cancellationToken)
    {
        using var exchange = await http.PostAsync(provider.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = provider.ClientId!,
            ["client_secret"] = provider.ClientSecret ?? "",
            ["code_verifier"] = codeVerifier,
        }), cancellationToken);
        if (!exchange.IsSuccessStatusCode || await exchange.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken) is not { AccessToken: { Length: > 0 } accessToken })
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, provider.UserInfoEndpoint);
        request.Headers.Authorization = new("Bearer", accessToken);
        using var userInfo = await http.SendAsync(request, cancellationToken);
        return userInfo.IsSuccessStatusCode ? await userInfo.Content.ReadFromJsonAsync<UserInfo>(cancellationToken) : null;
    }
}
