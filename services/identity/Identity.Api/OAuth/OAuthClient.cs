using System.Text.Json;
using System.Text.Json.Serialization;

namespace Identity.Api.OAuth;

/// <summary>The provider's side of the authorization-code flow: code exchange (with the PKCE verifier) and userinfo.</summary>
public sealed class OAuthClient(HttpClient http)
{
    public sealed record UserInfo(string? Subject, string? Email, bool EmailVerified)
    {
        /// <summary>
        /// Read leniently, as providers differ: <c>sub</c> may be a number, and <c>email_verified</c> a string
        /// (<c>"true"</c>); anything else there counts as not verified. A body that is not a JSON object is no user.
        /// </summary>
        public static UserInfo? Parse(JsonElement json)
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var subject = json.TryGetProperty("sub", out var sub) ? sub.ValueKind switch
            {
                JsonValueKind.String => sub.GetString(),
                JsonValueKind.Number => sub.GetRawText(),
                _ => null,
            } : null;
            var email = json.TryGetProperty("email", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            var verified = json.TryGetProperty("email_verified", out var v) && (v.ValueKind == JsonValueKind.True
                || (v.ValueKind == JsonValueKind.String && string.Equals(v.GetString(), "true", StringComparison.OrdinalIgnoreCase)));
            return new UserInfo(subject, email, verified);
        }
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string? AccessToken);

    /// <summary>The provider's user for an authorization code, or null when the provider refuses the exchange or answers nonsense.</summary>
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
        if (!exchange.IsSuccessStatusCode || await ReadAsync<TokenResponse>(exchange, cancellationToken) is not { AccessToken: { Length: > 0 } accessToken })
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, provider.UserInfoEndpoint);
        request.Headers.Authorization = new("Bearer", accessToken);
        using var userInfo = await http.SendAsync(request, cancellationToken);
        return userInfo.IsSuccessStatusCode && await ReadAsync<JsonElement>(userInfo, cancellationToken) is { } json ? UserInfo.Parse(json) : null;
    }

    /// <summary>The provider's JSON, or default when it is not JSON of that shape.</summary>
    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
