namespace Gateway.Routing;

/// <summary>
/// LLM relay traffic: <c>/v1/**</c>, forwarded to pool's <c>/relay/v1/**</c>. It takes API keys only, and its
/// per-key concurrency is pool's to enforce (shared by every gateway instance), not the gateway's. So is the list of
/// relayed endpoints: every path under <c>/v1</c> goes to pool, which answers 404 <c>endpoint_not_relayed</c> for any
/// other than the model endpoints (docs/relay.md), so clients get the same answer through the gateway.
/// </summary>
public static class RelayRoutes
{
    public static readonly PathString Prefix = "/v1";

    public static bool IsRelay(this HttpRequest request) => request.Path.StartsWithSegments(Prefix);
}
