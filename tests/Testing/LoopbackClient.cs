using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>
/// HTTP clients that connect from a chosen loopback address (127.x.y.z), so each test is a different client IP
/// to the gateway and per-IP limits of one test do not touch another.
/// </summary>
public static class LoopbackClient
{
    private static int _next = 1;

    /// <summary>A fresh address in 127.1.0.0/16, never handed out twice in a run.</summary>
    public static IPAddress NextAddress()
    {
        var n = Interlocked.Increment(ref _next);
        return new IPAddress([127, 1, (byte)(n / 250), (byte)(n % 250 + 1)]);
    }

    public static HttpClient Create(Uri baseAddress, IPAddress from, CookieContainer? cookies = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }
}
