using Platform.ServiceDefaults.Http;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Routing;

/// <summary>
/// What a client gets when the gateway cannot forward its request: a ProblemDetails naming the service and what
/// went wrong, not YARP's empty status. Proxied routes skip ASP.NET Core's status-code pages (one asynchronous layer
/// less on every proxied request), so the two cases YARP answers itself are written here: no reachable destination
/// (a proxy-pipeline step, before forwarding) and a failed forward (a response transform, which YARP calls without
/// a response when the service did not answer).
/// </summary>
public static class ProxyErrors
{
    /// <summary>Answers 503 before forwarding when the route's cluster has no destination to send to.</summary>
    public static IReverseProxyApplicationBuilder UseNoDestinationProblem(this IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.Use(static (context, next) =>
        {
            var proxy = context.GetReverseProxyFeature();
            return proxy.AvailableDestinations.Count > 0
                ? next(context)
                : Problems.Create(StatusCodes.Status503ServiceUnavailable, "service_unavailable",
                    $"The {ServiceOf(proxy.Route)} service has no instance to send this to.").ExecuteAsync(context);
        });
        return pipeline;
    }

    public static TransformBuilderContext AddForwardingProblem(this TransformBuilderContext builder)
    {
        var service = ServiceOf(builder.Route.Metadata, builder.Route.ClusterId);
        builder.AddResponseTransform(transform =>
        {
            var context = transform.HttpContext;
            if (transform.ProxyResponse is not null || context.Response.HasStarted)
            {
                return ValueTask.CompletedTask;
            }
            var error = context.GetForwarderErrorFeature()?.Error ?? ForwarderError.Request;
            var (code, detail) = error switch
            {
                ForwarderError.RequestTimedOut => ("upstream_timeout", $"The {service} service did not answer in time."),
                ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled => ("bad_request_body", "The request body could not be read."),
                _ => ("upstream_unavailable", $"The {service} service could not be reached."),
            };
            // YARP has chosen the status (502, 504, 400); the problem keeps it.
            return new ValueTask(Problems.Create(context.Response.StatusCode, code, detail).ExecuteAsync(context));
        });
        return builder;
    }

    private static string ServiceOf(RouteModel route) => ServiceOf(route.Config.Metadata, route.Config.ClusterId);

    private static string ServiceOf(IReadOnlyDictionary<string, string>? metadata, string? clusterId) =>
        metadata?.GetValueOrDefault(Auth.InternalTokenTransform.AudienceMetadata) ?? clusterId ?? "upstream";
}
