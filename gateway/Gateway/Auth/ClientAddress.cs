using System.Net;
using Microsoft.AspNetCore.Connections.Features;

namespace Gateway.Auth;

/// <summary>
/// The client's address as text, formatted once per connection instead of on every request by each part that
/// keys on it (the credential cache, the anonymous caller, the per-address rate limit).
/// </summary>
public static class ClientAddress
{
    private static readonly object StateKey = new();

    public static string Of(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        var state = context.Features.Get<IPersistentStateFeature>()?.State;
        // Compared on every request: forwarded-headers handling may give one connection's requests other addresses.
        if (state is not null && state.TryGetValue(StateKey, out var cached) && cached is Formatted formatted && Equals(formatted.Address, address))
        {
            return formatted.Text;
        }
        var text = address?.ToString() ?? "unknown";
        state?[StateKey] = new Formatted(address, text);
        return text;
    }

    private sealed record Formatted(IPAddress? Address, string Text);
}
