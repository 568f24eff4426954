using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Gateway.Routing;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Http;

namespace Gateway.Auth;

/// <summary>
/// Turns the client's credential into a <see cref="Caller"/> (through cached introspection) before routing:
/// 401 without a valid one except on anonymous routes (and on relay routes without an API key), 403 for a session
/// cookie on an unsafe method without its CSRF token.
/// </summary>
public sealed class GatewayAuthentication(
    RequestDelegate next, CallerCache cache, IntrospectionClient introspection, AnonymousRoutes anonymous,
    TimeProvider time, ILogger<GatewayAuthentication> logger, IMeterFactory meters)
{
    public const string CsrfHeader = "X-CSRF-Token";

    private readonly Counter<long> _introspections = meters.Create("Platform.Gateway").CreateCounter<long>(
        "gateway_introspections_total", description: "Calls to identity's introspection (cache misses)");

    public async Task InvokeAsync(HttpContext context)
    {
        // Unrouted paths fall through to 404; the gateway's own /health and /metrics are not under /api or /v1.
        var isRelay = context.Request.IsRelay();
        if (context.GetEndpoint() is null || !(isRelay || context.Request.Path.StartsWithSegments("/api")))
        {
            await next(context);
            return;
        }

        // Relay routes are never anonymous, and take nothing but an API key.
        var isAnonymousRoute = !isRelay && anonymous.Contains(context.Request.Method, context.Request.Path);
        var clientIp = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var credential = Credential.From(context.Request, isRelay);
        if (isRelay && credential?.Type != InternalClaims.Types.ApiKey)
        {
            await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "api_key_required",
                $"/v1 needs an API key, as {Credential.ApiKeyHeader}: sk-... or Authorization: Bearer sk-...; tokens and session cookies are not accepted here.");
            return;
        }
        Caller? caller = null;
        if (credential is not null)
        {
            try
            {
                // Concurrent requests share one introspection, so it must not end with the first request's abort.
                caller = await cache.GetOrResolveAsync(credential.CacheKey + "@" + clientIp, () => ResolveAsync(credential, clientIp, CancellationToken.None));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                logger.LogWarning(e, "Introspection failed");
                await WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "identity_unavailable", "Credentials cannot be checked right now; try again shortly.");
                return;
            }

            if (caller is not null && credential.Type == InternalClaims.Types.Session && !CsrfHolds(context.Request, caller))
            {
                if (!isAnonymousRoute)
                {
                    await WriteProblemAsync(context, StatusCodes.Status403Forbidden, "csrf_failed", $"Unsafe requests with a session cookie need a valid {CsrfHeader} header.");
                    return;
                }
                caller = null;
            }
        }

        if (caller is null && !isAnonymousRoute)
        {
            await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "unauthorized",
                credential is null ? "This route needs a bearer token, a session cookie or an API key." : "The credential is not valid (expired, revoked or unknown).");
            return;
        }

        // Anonymous callers still get an internal JWT: it carries the client's address, which identity's limits use.
        caller ??= await cache.GetOrResolveAsync("anonymous:" + clientIp, () => Task.FromResult<Caller?>(Anonymous(clientIp)));
        context.Features.Set(caller);
        await next(context);
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
            answer.Phone, answer.CsrfToken, answer.Limits, clientIp, resolvedAt, cachedUntil);
    }

    private Caller Anonymous(string clientIp)
    {
        var now = time.GetUtcNow();
        return new Caller(InternalClaims.Types.Anonymous, null, null, [], [], null, null, null, null, clientIp, now, now + CallerCache.MaxAge);
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
