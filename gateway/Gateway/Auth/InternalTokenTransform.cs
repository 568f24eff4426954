using Platform.ServiceDefaults.Auth;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Auth;

/// <summary>
/// What reaches a service: the caller's internal JWT for that service (audience = the route's cluster) instead
/// of the client's credential, and none of the client's credential headers or cookies.
/// </summary>
public static class InternalTokenTransform
{
    public static TransformBuilderContext AddInternalToken(this TransformBuilderContext builder, InternalTokenIssuer issuer)
    {
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

            if (transform.HttpContext.Features.Get<Caller>() is { } caller
                && transform.HttpContext.Features.Get<IReverseProxyFeature>()?.Route.Config.ClusterId is { } audience)
            {
                headers.TryAddWithoutValidation("Authorization", caller.AuthorizationFor(audience, issuer));
            }
            return ValueTask.CompletedTask;
        });
        return builder;
    }
}
