using Platform.ServiceDefaults.Auth;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Auth;

/// <summary>
/// What reaches a service: the caller's internal JWT for that service instead of the client's credential, and
/// none of the client's credential headers or cookies. The one cookie passed on is identity's OAuth binding (it
/// ties a sign-in to the browser that started it, and is no credential). The audience is the route's
/// <c>Audience</c> metadata (relay traffic is pool's though its cluster is <c>relay</c>), else the route's cluster.
/// </summary>
public static class InternalTokenTransform
{
    public const string AudienceMetadata = "Audience";

    /// <summary>Identity's <c>OAuthBindingCookie.Name</c>.</summary>
    public const string OAuthBindingCookie = "oauth_binding";

    public static TransformBuilderContext AddInternalToken(this TransformBuilderContext builder, InternalTokenIssuer issuer)
    {
        // Transforms are built once per route (again on a config reload), so the audience costs nothing per request.
        var audience = builder.Route.Metadata?.GetValueOrDefault(AudienceMetadata) ?? builder.Route.ClusterId;
        var passesOAuthBinding = audience == "identity";
        builder.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            headers.Remove("Authorization");
            headers.Remove(Credential.ApiKeyHeader);
            if (headers.Remove("Cookie") && passesOAuthBinding
                && transform.HttpContext.Request.Cookies[OAuthBindingCookie] is { Length: > 0 } binding)
            {
                headers.TryAddWithoutValidation("Cookie", $"{OAuthBindingCookie}={binding}");
            }
            headers.Remove(GatewayAuthentication.CsrfHeader);
            // NonValidated enumerates without allocating (Kestrel's headers, seen as IHeaderDictionary, box an
            // enumerator); a list is made only when a client did send X-Internal-* headers.
            List<string>? forged = null;
            foreach (var header in headers.NonValidated)
            {
                if (header.Key.StartsWith("X-Internal-", StringComparison.OrdinalIgnoreCase))
                {
                    (forged ??= []).Add(header.Key);
                }
            }
            if (forged is not null)
            {
                foreach (var name in forged)
                {
                    headers.Remove(name);
                }
            }

            if (audience is not null && transform.HttpContext.Features.Get<Caller>() is { } caller)
            {
                headers.TryAddWithoutValidation("Authorization", caller.AuthorizationFor(audience, issuer));
            }
            return ValueTask.CompletedTask;
        });
        return builder;
    }
}
