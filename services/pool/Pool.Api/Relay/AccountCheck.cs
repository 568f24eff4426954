using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using Pool.Api.Mothers;

namespace Pool.Api.Relay;

/// <summary>
/// Whether an account's own credential still works, asked with a fixed known-good call (<c>GET /v1/models</c> with its
/// token) when the upstream refused a client's request with 401/403. Only a refusal of that call marks the account
/// invalid: a request the upstream refuses for what it asks (a model, a header, a body) leaves the account as it is.
/// A passed check is trusted for <c>Relay:AccountCheckCacheSeconds</c>, so refused requests cannot multiply the calls.
/// </summary>
public sealed partial class AccountCheck(
    MotherTokens tokens, IHttpClientFactory clients, TimeProvider time, IOptions<RelayOptions> options, ILogger<AccountCheck> logger)
{
    public const string Path = "/v1/models";

    public enum Result
    {
        /// <summary>The check call succeeded: the refusal was the request's.</summary>
        Valid,
        /// <summary>The check call was refused with 401/403: the credential no longer works.</summary>
        Refused,
        /// <summary>Neither (unreachable, timed out, another status): the account is left as it is.</summary>
        Inconclusive,
    }

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _passed = new();

    public async Task<Result> CheckAsync(Uri upstream, RelayAccount account)
    {
        var settings = options.Value;
        if (_passed.TryGetValue(account.Id, out var passedAt) && time.GetUtcNow() - passedAt < TimeSpan.FromSeconds(settings.AccountCheckCacheSeconds))
        {
            return Result.Valid;
        }
        var result = await CallAsync(upstream, account, TimeSpan.FromSeconds(settings.AccountCheckTimeoutSeconds));
        if (result == Result.Valid)
        {
            _passed[account.Id] = time.GetUtcNow();
        }
        else
        {
            _passed.TryRemove(account.Id, out _);
        }
        Checked(account.Id, result);
        return result;
    }

    private async Task<Result> CallAsync(Uri upstream, RelayAccount account, TimeSpan timeout)
    {
        // The client may leave meanwhile; the account's state is decided all the same, within the timeout.
        using var deadline = new CancellationTokenSource(timeout, time);
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(upstream, upstream.AbsolutePath.TrimEnd('/') + Path));
        message.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        message.Headers.Authorization = new("Bearer", tokens.Unprotect(account.AccessTokenProtected));
        try
        {
            using var response = await clients.CreateClient(RelayForwarder.ClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            return response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Result.Refused,
                _ when response.IsSuccessStatusCode => Result.Valid,
                _ => Result.Inconclusive,
            };
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return Result.Inconclusive;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Check of upstream account {AccountId} after a refused request: {Result}")]
    private partial void Checked(Guid accountId, Result result);
}
