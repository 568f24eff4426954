using System.Net;
using System.Net.Sockets;

namespace Platform.ServiceDefaults.Auth;

/// <summary>What per-address limits count by.</summary>
public static class ClientAddresses
{
    /// <summary>
    /// An IPv4 address itself (also when written IPv4-mapped, <c>::ffff:192.0.2.1</c>); an IPv6 address's /64,
    /// written <c>2001:db8:1:2::/64</c>. One IPv6 subscriber is given at least a /64 and picks addresses in it
    /// freely, so counting single IPv6 addresses would give each client billions of fresh limits.
    /// </summary>
    public static string Bucket(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    /// <summary>The bucket of an address given as text; text that is no address is its own bucket.</summary>
    public static string Bucket(string address) => IPAddress.TryParse(address, out var parsed) ? Bucket(parsed) : address;
}
