using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Identity.Tests;
using Platform.ServiceDefaults.Auth;

namespace Gateway.Tests.Auth;

/// <summary>
/// Who the client is: the socket's peer, or the address a trusted load balancer names (ForwardedHeaders with known
/// networks, configured on the gateway); and IPv6 clients counted by their /64.
/// </summary>
public abstract class ClientAddressTests(Stack stack)
{
    [Fact]
    public async Task Behind_a_trusted_balancer_the_client_it_names_is_the_one_limited_and_named_in_the_jwt()
    {
        var (first, second) = (Documentation(), Documentation());
        using var viaBalancer = stack.ProxiedClient(first);
        Assert.Equal(first, await ClientIpClaimAsync(viaBalancer));

        await SendUntilBannedAsync(viaBalancer);

        // Another client behind the same balancer (the same socket peers) has its own allowance.
        using var other = stack.ProxiedClient(second);
        using var sent = await other.SendCodeAsync(IdentityApi.NewEmail());
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal(second, await ClientIpClaimAsync(other));
    }

    [Fact]
    public async Task A_peer_outside_the_trusted_networks_cannot_name_another_client()
    {
        var from = LoopbackClient.NextAddress();
        using var client = stack.Client(from);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", Documentation());
        Assert.Equal(from.ToString(), await ClientIpClaimAsync(client));
    }

    [Fact]
    public async Task An_ipv6_client_is_limited_by_its_64_prefix_and_a_neighbouring_prefix_is_not()
    {
        var prefix = RandomPrefix();
        using (var one = stack.ProxiedClient($"{prefix}::1"))
        {
            Assert.Equal($"{prefix}::1", await ClientIpClaimAsync(one));
            for (var i = 0; i < 10; i++)
            {
                using var sent = await one.SendCodeAsync(IdentityApi.NewEmail());
                Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            }
        }

        // Another address in the same /64 is the same client: the request that finds ten bans the prefix.
        using var sibling = stack.ProxiedClient($"{prefix}:0:0:0:abcd");
        using (var banned = await sibling.SendCodeAsync(IdentityApi.NewEmail()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, banned.StatusCode);
            Assert.Equal("banned", await banned.ProblemCodeAsync());
        }
        Assert.True(await Eventually.TrueAsync(() => stack.Banned.Any(b => b.Kind == "ip" && b.Value == ClientAddresses.Bucket($"{prefix}::1")),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50)), "the ban does not name the /64");

        using var neighbour = stack.ProxiedClient($"{NextPrefix(prefix)}::1");
        using var fine = await neighbour.SendCodeAsync(IdentityApi.NewEmail());
        Assert.Equal(HttpStatusCode.Accepted, fine.StatusCode);
    }

    [Fact]
    public async Task The_gateways_per_address_rate_limit_counts_an_ipv6_64_as_one_address()
    {
        var prefix = RandomPrefix();
        using var a = stack.ProxiedClient($"{prefix}::a");
        using var b = stack.ProxiedClient($"{prefix}::b");
        // 100 each: within either address's burst of 100, but together past the /64's.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? a : b).GetAsync("/api/identity/oauth/providers");
            return response.StatusCode;
        }));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);

        using var neighbour = stack.ProxiedClient($"{NextPrefix(prefix)}::a");
        using var fine = await neighbour.GetAsync("/api/identity/oauth/providers");
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    private static int _nextDocumentation;

    /// <summary>An address from TEST-NET-3 (203.0.113.0/24), never handed out twice in a run.</summary>
    private static string Documentation() => $"203.0.113.{Interlocked.Increment(ref _nextDocumentation)}";

    /// <summary>A random IPv6 /64 in the documentation range, with no zero group (so it is written as given).</summary>
    private static string RandomPrefix() => $"2001:db8:{Random.Shared.Next(1, 0xfff0):x}:{Random.Shared.Next(1, 0xfff0):x}";

    private static string NextPrefix(string prefix)
    {
        var parts = prefix.Split(':');
        parts[^1] = (Convert.ToInt32(parts[^1], 16) + 1).ToString("x");
        return string.Join(':', parts);
    }

    /// <summary>The internal JWT's client_ip, as a service behind the gateway receives it (the probe stands in for users).</summary>
    private async Task<string> ClientIpClaimAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/users/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        var claims = await stack.ValidInternalClaimsAsync(received!["authorization"], "users");
        return (string)claims[InternalClaims.ClientAddress];
    }

    private static async Task SendUntilBannedAsync(HttpClient client)
    {
        for (var i = 0; i < 10; i++)
        {
            using var sent = await client.SendCodeAsync(IdentityApi.NewEmail());
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        using var banned = await client.SendCodeAsync(IdentityApi.NewEmail());
        Assert.Equal(HttpStatusCode.Forbidden, banned.StatusCode);
        var problem = await banned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("banned", problem.GetProperty("code").GetString());
    }

    [Collection(PlatformCollection.Name)]
    public sealed class WithRedis(IdentityPlatform platform) : ClientAddressTests(platform.WithRedis);

    [Collection(PlatformCollection.Name)]
    public sealed class WithoutRedis(IdentityPlatform platform) : ClientAddressTests(platform.WithoutRedis);
}
