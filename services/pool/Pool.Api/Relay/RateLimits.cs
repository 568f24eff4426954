using System.Globalization;
using System.Net.Http.Headers;

namespace Pool.Api.Relay;

/// <summary>
/// Reads a 429's headers for whether the upstream attributes the limit to the account, and how long it lasts. A 429
/// with <c>Retry-After</c>, or with a rate-limit header saying nothing is left (<c>anthropic-ratelimit-*-remaining: 0</c>,
/// <c>x-ratelimit-remaining-*: 0</c>), is the account's; any other 429 is the request's and passes to the client.
/// </summary>
public static class RateLimits
{
    private const string AnthropicPrefix = "anthropic-ratelimit-";
    private const string RemainingSuffix = "-remaining";
    private const string OpenAiRemainingPrefix = "x-ratelimit-remaining-";

    /// <summary>
    /// How long the account rests, or null when the 429 is not the account's: <c>Retry-After</c>, else the latest
    /// <c>anthropic-ratelimit-*-reset</c> of an exhausted limit, else <c>Relay:RateLimitedSeconds</c>; always within
    /// <c>Relay:RateLimitMinSeconds</c> and <c>Relay:RateLimitMaxSeconds</c>.
    /// </summary>
    public static TimeSpan? RestOf(HttpResponseHeaders headers, DateTimeOffset now, RelayOptions options)
    {
        var retryAfter = headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => (TimeSpan?)null,
        };
        var exhaustedUntil = (DateTimeOffset?)null;
        var exhausted = false;
        foreach (var (name, values) in headers)
        {
            if (!IsExhausted(values)) continue;
            if (name.StartsWith(OpenAiRemainingPrefix, StringComparison.OrdinalIgnoreCase))
            {
                exhausted = true;
            }
            else if (name.StartsWith(AnthropicPrefix, StringComparison.OrdinalIgnoreCase) && name.EndsWith(RemainingSuffix, StringComparison.OrdinalIgnoreCase))
            {
                exhausted = true;
                var reset = string.Concat(name.AsSpan(0, name.Length - RemainingSuffix.Length), "-reset");
                if (headers.TryGetValues(reset, out var resets)
                    && DateTimeOffset.TryParse(resets.FirstOrDefault(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    && (exhaustedUntil is null || at > exhaustedUntil))
                {
                    exhaustedUntil = at;
                }
            }
        }
        if (retryAfter is null && !exhausted)
        {
            return null;
        }
        var rest = retryAfter ?? (exhaustedUntil - now) ?? TimeSpan.FromSeconds(options.RateLimitedSeconds);
        return TimeSpan.FromSeconds(Math.Clamp(rest.TotalSeconds, options.RateLimitMinSeconds, options.RateLimitMaxSeconds));
    }

    private static bool IsExhausted(IEnumerable<string> values) =>
        values.FirstOrDefault() is { } value && long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var left) && left == 0;
}
