using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

public static class FreePort
{
    /// <summary>A loopback port free at this moment.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
