using System.Net.Sockets;
using System.Text;

namespace Platform.Hosting.Probes;

internal static class RedisProbe
{
    /// <summary>True when the server accepts the password and answers PING with PONG.</summary>
    public static async Task<bool> PingAsync(int port, string password, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(Command("AUTH", password).Concat(Command("PING")).ToArray(), cancellationToken);
            var reply = new StringBuilder();
            var buffer = new byte[256];
            while (CountLines(reply) < 2)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                reply.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            return reply.ToString() == "+OK\r\n+PONG\r\n";
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }

    private static int CountLines(StringBuilder text) => text.ToString().Split("\r\n").Length - 1;

    // RESP array of bulk strings, so a password with spaces or quotes travels intact.
    private static byte[] Command(params string[] parts)
    {
        var text = new StringBuilder($"*{parts.Length}\r\n");
        foreach (var part in parts)
        {
            text.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
