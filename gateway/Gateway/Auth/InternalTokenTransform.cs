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
            List<string>? internalHeaders = null;
            foreach (var header in headers)
            {
                if (header.Key.StartsWith("X-Internal-", StringComparison.OrdinalIgnoreCase))
                {
                    (internalHeaders ??= []).Add(header.Key);
                }
            }
            internalHeaders?.ForEach(name => headers.Remove(name));

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
