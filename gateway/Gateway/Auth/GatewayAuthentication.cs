using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Gateway.RateLimiting;
using Gateway.Routing;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Http;

namespace Gateway.Auth;

/// <summary>
/// Turns the client's credential into a <see cref="Caller"/> (through cached introspection) before routing:
/// 401 without a valid one except on anonymous routes (and on relay routes without an API key), 403 for a session
/// cookie on an unsafe method without its CSRF token or an API key without the path's scope (<c>relay</c> for
/// <c>/v1/**</c>, <c>api</c> for <c>/api/**</c>), 429 over the address's or the caller's rate limits.
/// </summary>
public sealed class GatewayAuthentication(
    RequestDelegate next, CallerCache cache, IntrospectionClient introspection, AnonymousRoutes anonymous, GatewayRateLimits limits,
    TimeProvider time, ILogger<GatewayAuthentication> logger, IMeterFactory meters)
{
    public const string CsrfHeader = "X-CSRF-Token";

    private readonly Counter<long> _introspections = meters.Create("Platform.Gateway").CreateCounter<long>(
        "gateway_introspections_total", description: "Calls to identity's introspection (cache misses)");

    private readonly Func<string, Caller> _anonymousCaller = clientIp =>
    {
        var now = time.GetUtcNow();
        return new Caller(InternalClaims.Types.Anonymous, null, null, [], [], null, null, null, null, clientIp, now, now + CallerCache.MaxAge);
    };

    // Not async itself: the common paths (anonymous, or a credential already cached) finish without a state machine.
    public Task InvokeAsync(HttpContext context)
    {
        // Every request counts against its address (an IPv6 address's /64), before anything else is done for it.
        var clientIp = ClientAddress.Of(context);
        if (limits.RefuseAddress(context, ClientAddress.BucketOf(context)) is { } refused)
        {
            return refused;
        }
        // Unrouted paths fall through to 404; the gateway's own /health and /metrics are not under /api or /v1.
        var isRelay = context.Request.IsRelay();
        if (context.GetEndpoint() is null || !(isRelay || context.Request.Path.StartsWithSegments("/api")))
        {
            return next(context);
        }

        // Relay routes are never anonymous, and take nothing but an API key.
        var isAnonymousRoute = !isRelay && anonymous.Contains(context.Request.Method, context.Request.Path);
        var credential = Credential.From(context.Request, isRelay);
        if (isRelay && credential?.Type != InternalClaims.Types.ApiKey)
        {
            return WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "api_key_required",
                $"/v1 needs an API key, as {Credential.ApiKeyHeader}: sk-... or Authorization: Bearer sk-...; tokens and session cookies are not accepted here.");
        }
        if (credential is null)
        {
            return isAnonymousRoute
                ? ContinueAs(context, Anonymous(clientIp))
                : WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "This route needs a bearer token, a session cookie or an API key.");
        }

        // Concurrent requests share one introspection, so it must not end with the first request's abort.
        var resolving = cache.GetOrResolveAsync(credential.CacheKey + "@" + clientIp,
            static s => s.Self.ResolveAsync(s.credential, s.clientIp, CancellationToken.None), (Self: this, credential, clientIp));
        return resolving.IsCompletedSuccessfully
            ? Authorize(context, credential, resolving.Result, clientIp, isAnonymousRoute)
            : AuthorizeAsync(context, credential, resolving, clientIp, isAnonymousRoute);
    }

    private async Task AuthorizeAsync(HttpContext context, Credential credential, ValueTask<Caller?> resolving, string clientIp, bool isAnonymousRoute)
    {
        Caller? caller;
        try
        {
            caller = await resolving;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning(e, "Introspection failed");
            await WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "identity_unavailable", "Credentials cannot be checked right now; try again shortly.");
            return;
        }
        await Authorize(context, credential, caller, clientIp, isAnonymousRoute);
    }

    private Task Authorize(HttpContext context, Credential credential, Caller? caller, string clientIp, bool isAnonymousRoute)
    {
        if (caller is not null && credential.Type == InternalClaims.Types.Session && !CsrfHolds(context.Request, caller))
        {
            if (!isAnonymousRoute)
            {
                return WriteProblemAsync(context, StatusCodes.Status403Forbidden, "csrf_failed", $"Unsafe requests with a session cookie need a valid {CsrfHeader} header.");
            }
            caller = null;
        }
        if (caller is null && !isAnonymousRoute)
        {
            return WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "The credential is not valid (expired, revoked or unknown).");
        }
        // An API key reaches /v1 only with the relay scope and /api only with the api scope.
        var scope = context.Request.IsRelay() ? InternalClaims.Scopes.Relay : InternalClaims.Scopes.Api;
        if (caller is not null && !caller.HasScope(scope))
        {
            return WriteProblemAsync(context, StatusCodes.Status403Forbidden, "scope_required",
                $"This API key's scopes ({string.Join(", ", caller.Scopes)}) do not include {scope}, which {(scope == InternalClaims.Scopes.Relay ? "/v1" : "/api")} needs.");
        }
        return ContinueAs(context, caller ?? Anonymous(clientIp));
    }

    /// <summary>Anonymous callers still get an internal JWT: it carries the client's address, which identity's limits use.</summary>
    private Caller Anonymous(string clientIp) => cache.GetOrAddAnonymous(clientIp, _anonymousCaller);

    private Task ContinueAs(HttpContext context, Caller caller)
    {
        if (limits.RefuseCaller(context, caller, context.Request.IsRelay()) is { } refused)
        {
            return refused;
        }
        context.Features.Set(caller);
        return next(context);
    }

    private async Task<Caller?> ResolveAsync(Credential credential, string clientIp, CancellationToken cancellationToken)
    {
        _introspections.Add(1);
        var resolvedAt = time.GetUtcNow();
        var answer = await introspection.IntrospectAsync(credential, cancellationToken);
        if (!answer.Active || answer.UserId is null)
        {
            return null;
        }
        var cachedUntil = resolvedAt + CallerCache.MaxAge;
        if (answer.ExpiresAt is { } expiresAt && expiresAt < cachedUntil)
        {
            cachedUntil = expiresAt;
        }
        return new Caller(credential.Type, answer.CredentialId, answer.UserId, answer.Roles ?? [], answer.Permissions ?? [], answer.Email,
            answer.Phone, answer.CsrfToken, answer.Limits, clientIp, resolvedAt, cachedUntil, answer.Scopes);
    }

    private static bool CsrfHolds(HttpRequest request, Caller caller)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return true;
        }
        var sent = request.Headers[CsrfHeader].ToString();
        return caller.CsrfToken is { } expected && sent.Length > 0
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(expected));
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string code, string detail) =>
        Problems.Create(status, code, detail).ExecuteAsync(context);
}
