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
