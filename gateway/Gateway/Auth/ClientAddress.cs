using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Platform.ServiceDefaults.Auth;

namespace Gateway.Auth;

/// <summary>
/// The client's address as text, and the bucket the per-address rate limit counts it in (an IPv6 address's /64),
/// formatted once per connection instead of on every request by each part that keys on it (the credential cache,
/// the anonymous caller, the per-address rate limit).
/// </summary>
public static class ClientAddress
{
    private static readonly object StateKey = new();

    /// <summary>The client's address, as the internal JWT's <c>client_ip</c> carries it.</summary>
    public static string Of(HttpContext context) => Formatted(context).Text;

    /// <summary>What the per-address rate limit counts by (<see cref="ClientAddresses.Bucket(IPAddress)"/>).</summary>
    public static string BucketOf(HttpContext context) => Formatted(context).Bucket;

    private static FormattedAddress Formatted(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        var state = context.Features.Get<IPersistentStateFeature>()?.State;
        // Compared on every request: forwarded-headers handling gives one proxy connection's requests other addresses.
        if (state is not null && state.TryGetValue(StateKey, out var cached) && cached is FormattedAddress formatted && Equals(formatted.Address, address))
        {
            return formatted;
        }
        var text = address?.ToString() ?? "unknown";
        var fresh = new FormattedAddress(address, text, address is null ? text : ClientAddresses.Bucket(address));
        state?[StateKey] = fresh;
        return fresh;
    }

    private sealed record FormattedAddress(IPAddress? Address, string Text, string Bucket);
}
