using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Pool.Api.Mothers;
using Pool.Api.Plans;

namespace Pool.Api.Relay;

/// <summary>
/// Relays one API-key request to the upstream on a scheduled account: checks the owner's relay plan (entitlement,
/// models, requests per minute, daily cost) and the key's own lower limits, takes the person's and the key's
/// concurrency slots,
/// picks the account (sticky per conversation), fails over to another account when the upstream refuses this one,
/// streams the answer back as it arrives while metering its usage, and releases every slot when the response ends.
/// </summary>
public sealed class RelayForwarder(
    AccountScheduler scheduler, AccountCheck check, RelaySlots slots, UsageRecorder usage, RelayEntitlement entitlement, MotherTokens tokens,
    IHttpClientFactory clients, TimeProvider time, IOptions<RelayOptions> options, PoolMetrics metrics, ILogger<RelayForwarder> logger)
{
    public const string ClientName = "relay-upstream";

    /// <summary>Client headers the upstream may see; everything else (the internal JWT, cookies, hop-by-hop) stays here.</summary>
    private static readonly string[] ForwardedPrefixes = ["anthropic-", "openai-", "x-stainless-"];
    private static readonly HashSet<string> ForwardedHeaders = new(StringComparer.OrdinalIgnoreCase) { "accept", "user-agent" };
    private static readonly HashSet<string> DroppedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "transfer-encoding", "content-length", "set-cookie", "proxy-connection", "upgrade", "trailer",
    };

    public async Task<IResult?> RelayAsync(HttpContext context)
    {
        var settings = options.Value;
        var user = context.User;
        if (RelayedEndpoints.Match(context.Request.Method, context.Request.Path) is not { } endpoint)
        {
            return Refuse(StatusCodes.Status404NotFound, "endpoint_not_relayed",
                "Only model endpoints are relayed: POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models, GET /v1/models/{id} and POST /v1/chat/completions.");
        }
        if (user.CredentialTypeOf() != InternalClaims.Types.ApiKey || user.CredentialIdOf() is not { Length: > 0 } apiKeyId)
        {
            return Refuse(StatusCodes.Status403Forbidden, "api_key_required", "Relay routes take an API key.");
        }
        // The gateway checks the scope too; this holds for any caller that reaches pool with a key's identity.
        if (!user.HasScope(InternalClaims.Scopes.Relay))
        {
            return Refuse(StatusCodes.Status403Forbidden, "scope_required", "This API key's scopes do not include relay.");
        }
        var (plan, notEntitled) = await entitlement.PlanOfAsync(user.UserId(), context.RequestAborted);
        if (plan is null)
        {
            return Refuse(notEntitled!);
        }
        if (settings.UpstreamBaseUrl is not { } upstream)
        {
            return Refuse(StatusCodes.Status503ServiceUnavailable, "relay_not_configured", "No upstream is configured for the relay (Relay:UpstreamBaseUrl).");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = settings.MaxRequestBytes;
        }
        if (await RelayRequest.ReadAsync(context.Request, settings.MaxRequestBytes) is not { } request)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"Request bodies are limited to {settings.MaxRequestBytes} bytes.");
        }

        if (await entitlement.AdmitAsync(plan, request.Model, request.Body.Length > 0) is { } refusedByPlan)
        {
            if (refusedByPlan.Extensions?.GetValueOrDefault("retryAfter") is int retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return Refuse(refusedByPlan);
        }
        if (await entitlement.CheckDailyCostAsync(plan, apiKeyId, user.KeyDailyCostOf(), context.RequestAborted) is { } overCost)
        {
            return Refuse(overCost);
        }

        // A key's own limit counts only when it is below the plan's: the person's slot bounds the key's requests too.
        RelaySlots.Slot? keySlot = null;
        var keyLimit = user.KeyConcurrencyOf() ?? settings.DefaultKeyConcurrency;
        if (keyLimit > 0 && keyLimit < plan.Concurrency)
        {
            (keySlot, var inFlight) = await slots.TryTakeAsync(RelaySlots.KeyScope(apiKeyId), keyLimit, context.RequestAborted);
            if (keySlot is null)
            {
                return ConcurrencyRefused(context, $"This API key has {inFlight} requests in flight; its limit is {keyLimit}.", inFlight, keyLimit, "key");
            }
        }
        await using (keySlot)
        {
            var (userSlot, userInFlight) = await slots.TryTakeAsync(RelayEntitlement.UserScope(plan.UserId), plan.Concurrency, context.RequestAborted);
            if (userSlot is null)
            {
                return ConcurrencyRefused(context, $"Your API keys have {userInFlight} requests in flight; your relay plan allows {plan.Concurrency}.",
                    userInFlight, plan.Concurrency, "plan");
            }
            await using (userSlot)
            {
                return await ScheduleAndRelayAsync(context, upstream, endpoint, request, apiKeyId, [.. new[] { keySlot, userSlot }.OfType<RelaySlots.Slot>()]);
            }
        }
    }

    private IResult ConcurrencyRefused(HttpContext context, string detail, int inFlight, int limit, string scope)
    {
        context.Response.Headers.RetryAfter = "1";
        return Refuse(StatusCodes.Status429TooManyRequests, "concurrency_limit", detail, new() { ["current"] = inFlight, ["limit"] = limit, ["scope"] = scope });
    }

    private async Task<IResult?> ScheduleAndRelayAsync(HttpContext context, Uri upstream, RelayedEndpoint endpoint, RelayRequest request,
        string apiKeyId, RelaySlots.Slot[] ownSlots)
    {
        var tried = new HashSet<Guid>();
        // The last refusal (429, 401, overloaded) is answered as the upstream gave it when no other account is left.
        HttpResponseMessage? refused = null;
        var unreachable = false;
        try
        {
            for (var attempt = 1; attempt <= options.Value.MaxAttempts; attempt++)
            {
                var (outcome, scheduled) = await scheduler.PickAsync(request.SessionHash, tried, context.RequestAborted);
                if (scheduled is null)
                {
                    if (refused is not null) break;
                    if (unreachable) return Refuse(StatusCodes.Status502BadGateway, "upstream_unreachable", "The upstream could not be reached.");
                    context.Response.Headers.RetryAfter = "1";
                    return outcome == AccountScheduler.Outcome.AllBusy
                        ? Refuse(StatusCodes.Status503ServiceUnavailable, "accounts_busy", "Every upstream account is at its concurrency limit; try again shortly.")
                        : Refuse(StatusCodes.Status503ServiceUnavailable, "no_account_available", "No upstream account can take requests right now.");
                }
                var account = scheduled.Account;
                tried.Add(account.Id);
                await using (scheduled.Slot)
                {
                    HttpResponseMessage response;
                    try
                    {
                        response = await SendAsync(context, upstream, endpoint, request.Body, account);
                    }
                    catch (HttpRequestException e)
                    {
                        logger.LogWarning(e, "Upstream unreachable on account {AccountId}", account.Id);
                        unreachable = true;
                        continue;
                    }
                    if (await RefusedAccountAsync(response, upstream, account))
                    {
                        refused?.Dispose();
                        refused = response;
                        continue;
                    }
                    using (response)
                    {
                        await CopyAsync(context, response, request.Model, apiKeyId, account.Id, [.. ownSlots, .. new[] { scheduled.Slot }.OfType<RelaySlots.Slot>()]);
                    }
                    return null;
                }
            }
            if (refused is null)
            {
                return Refuse(StatusCodes.Status502BadGateway, "upstream_unreachable", "The upstream could not be reached.");
            }
            await CopyAsync(context, refused, request.Model, apiKeyId, Guid.Empty, ownSlots);
            return null;
        }
        finally
        {
            refused?.Dispose();
        }
    }

    /// <summary>
    /// Whether the upstream refused this account (rather than the request), so another account should be tried. A 429
    /// rests the account only when the upstream attributes it to the account; a 401/403 marks it invalid only when the
    /// account's own check call is refused too. Anything else the request caused is the client's answer.
    /// </summary>
    private async Task<bool> RefusedAccountAsync(HttpResponseMessage response, Uri upstream, RelayAccount account)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.TooManyRequests:
                var now = time.GetUtcNow();
                if (RateLimits.RestOf(response.Headers, now, options.Value) is not { } rest) return false;
                await scheduler.MarkRateLimitedAsync(account.Id, now + rest);
                return true;
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                if (await check.CheckAsync(upstream, account) != AccountCheck.Result.Refused) return false;
                await scheduler.MarkUnauthorizedAsync(account.Id);
                return true;
            case (HttpStatusCode)529 or HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway:
                return true;
            default:
                return false;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpContext context, Uri upstream, RelayedEndpoint endpoint, byte[] body, RelayAccount account)
    {
        var request = context.Request;
        var target = new Uri(upstream, upstream.AbsolutePath.TrimEnd('/') + endpoint.UpstreamPath + request.QueryString);
        var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (body.Length > 0 || HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        {
            message.Content = new ByteArrayContent(body);
            if (request.ContentType is { } contentType)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        foreach (var (name, values) in request.Headers)
        {
            if (ForwardedHeaders.Contains(name) || ForwardedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        message.Headers.Authorization = new("Bearer", tokens.Unprotect(account.AccessTokenProtected));
        return await clients.CreateClient(ClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
    }

    /// <summary>Streams the upstream's answer to the client as it arrives, metering usage and keeping the slots' leases.</summary>
    private async Task CopyAsync(HttpContext context, HttpResponseMessage response, string? model, string apiKeyId, Guid accountId, RelaySlots.Slot[] held)
    {
        var outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!DroppedResponseHeaders.Contains(name))
            {
                outgoing.Headers[name] = values.ToArray();
            }
        }
        var eventStream = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        var meter = new UsageMeter(eventStream, model);
        var succeeded = response.IsSuccessStatusCode;
        var renewedAt = time.GetUtcNow();
        var buffer = new byte[16 * 1024];
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            int read;
            while ((read = await stream.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                if (succeeded) meter.Write(buffer.AsSpan(0, read));
                await outgoing.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                if (held.Length > 0 && time.GetUtcNow() - renewedAt > slots.RenewEvery)
                {
                    renewedAt = time.GetUtcNow();
                    await slots.RenewAsync(held, context.RequestAborted);
                }
            }
            metrics.RelayRequest($"{(int)response.StatusCode / 100}xx");
            // The client has everything: end its response now rather than after the bookkeeping below.
            await outgoing.CompleteAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // The client left or the upstream broke off: what was used so far is still recorded below.
            metrics.RelayRequest("aborted");
            logger.LogInformation("Relay stream on account {AccountId} ended early: {Reason}", accountId, e.GetType().Name);
        }
        finally
        {
            if (succeeded && meter.Complete() is { } used)
            {
                try
                {
                    await usage.RecordAsync(apiKeyId, context.User.UserId(), accountId, used, time.GetUtcNow());
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
                {
                    // The client has its answer; only the figures miss this request.
                    logger.LogError(e, "Usage of a relayed request on account {AccountId} was not recorded", accountId);
                }
            }
        }
    }

    private IResult Refuse(RelayEntitlement.Refusal refusal) =>
        Refuse(refusal.Status, refusal.Code, refusal.Detail, refusal.Extensions is null ? null : new(refusal.Extensions));

    private IResult Refuse(int status, string code, string detail, Dictionary<string, object?>? extensions = null)
    {
        metrics.RelayRequest(code);
        extensions ??= [];
        extensions["code"] = code;
        return TypedResults.Problem(detail: detail, statusCode: status, extensions: extensions);
    }
}
