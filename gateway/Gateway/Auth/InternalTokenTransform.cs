using Platform.ServiceDefaults.Auth;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Auth;

/// <summary>
/// What reaches a service: the caller's internal JWT for that service instead of the client's credential, and
/// none of the client's credential headers or cookies. The audience is the route's <c>Audience</c> metadata
/// (relay traffic is pool's though its cluster is <c>relay</c>), else the route's cluster.
/// </summary>
public static class InternalTokenTransform
{
    public const string AudienceMetadata = "Audience";

    public static TransformBuilderContext AddInternalToken(this TransformBuilderContext builder, InternalTokenIssuer issuer)
    {
        // Transforms are built once per route (again on a config reload), so the audience costs nothing per request.
        var audience = builder.Route.Metadata?.GetValueOrDefault(AudienceMetadata) ?? builder.Route.ClusterId;
        builder.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            headers.Remove("Authorization");
            headers.Remove(Credential.ApiKeyHeader);
            headers.Remove("Cookie");
            headers.Remove(GatewayAuthentication.CsrfHeader);
            // Kestrel's request headers enumerate without allocating, unlike the outgoing HttpHeaders.
            foreach (var header in transform.HttpContext.Request.Headers)
            {
                if (header.Key.StartsWith("X-Internal-", StringComparison.OrdinalIgnoreCase))
                {
                    headers.Remove(header.Key);
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
