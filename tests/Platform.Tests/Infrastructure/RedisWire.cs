using System.Net.Sockets;
using System.Text;

namespace Platform.Tests.Infrastructure;

/// <summary>Just enough of the Redis protocol to see what the server answers to a command.</summary>
internal static class RedisWire
{
    /// <summary>Sends the commands on one connection and returns the reply line of each.</summary>
    public static async Task<string[]> SendAsync(int port, params string[][] commands)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        var request = new StringBuilder();
        foreach (var command in commands)
        {
            request.Append($"*{command.Length}\r\n");
            foreach (var part in command)
            {
                request.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
            }
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream);
        var replies = new string[commands.Length];
        for (var i = 0; i < replies.Length; i++)
        {
            replies[i] = await reader.ReadLineAsync() ?? "";
        }

        return replies;
    }
}
