namespace Identity.Api.OAuth;

/// <summary>One OAuth 2.0 / OIDC provider under <c>Identity:OAuth:Providers:{name}</c>.</summary>
public sealed class OAuthProviderOptions
{
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string? AuthorizationEndpoint { get; set; }
    public string? TokenEndpoint { get; set; }
    public string? UserInfoEndpoint { get; set; }
    public string Scopes { get; set; } = "openid email profile";

    public bool IsConfigured =>
        !string.IsNullOrEmpty(ClientId) && Uri.IsWellFormedUriString(AuthorizationEndpoint, UriKind.Absolute)
        && Uri.IsWellFormedUriString(TokenEndpoint, UriKind.Absolute) && Uri.IsWellFormedUriString(UserInfoEndpoint, UriKind.Absolute);
}

/// <summary>The <c>Identity:OAuth</c> section.</summary>
public sealed class OAuthOptions
{
    /// <summary>Where clients reach the platform (the gateway), for the redirect URI registered with providers.</summary>
    public string? PublicBaseUrl { get; set; }

    public Dictionary<string, OAuthProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Google's endpoints are built in: configuring its client id and secret is enough.</summary>
    public static readonly OAuthProviderOptions GoogleDefaults = new()
    {
        AuthorizationEndpoint = "https://accounts.google.com/o/oauth2/v2/auth",
        TokenEndpoint = "https://oauth2.googleapis.com/token",
        UserInfoEndpoint = "https://openidconnect.googleapis.com/v1/userinfo",
    };

    public OAuthProviderOptions? Find(string name)
    {
        if (!Providers.TryGetValue(name, out var provider))
        {
            return null;
        }
        if (name.Equals("google", StringComparison.OrdinalIgnoreCase))
        {
            provider.AuthorizationEndpoint ??= GoogleDefaults.AuthorizationEndpoint;
            provider.TokenEndpoint ??= GoogleDefaults.TokenEndpoint;
            provider.UserInfoEndpoint ??= GoogleDefaults.UserInfoEndpoint;
        }
        return provider.IsConfigured ? provider : null;
    }
}
