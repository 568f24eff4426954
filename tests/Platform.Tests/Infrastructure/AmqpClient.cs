using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Platform.Tests.Infrastructure;

/// <summary>Just enough AMQP 0-9-1 to log in with PLAIN and open a virtual host.</summary>
internal static class AmqpClient
{
    private const byte FrameEnd = 0xCE;

    /// <summary>True when the broker lets the URI's user open its virtual host; false when it refuses.</summary>
    public static async Task<bool> CanOpenVirtualHostAsync(string connectionString)
    {
        var uri = new Uri(connectionString);
        var credentials = uri.UserInfo.Split(':').Select(Uri.UnescapeDataString).ToArray();
        var virtualHost = uri.AbsolutePath.Length > 1 ? Uri.UnescapeDataString(uri.AbsolutePath[1..]) : "/";

        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray());
        await ReadMethodAsync(stream); // connection.start

        var startOk = new MemoryStream();
        startOk.Write([0, 0, 0, 0]); // empty client-properties table
        WriteShortString(startOk, "PLAIN");
        WriteLongString(startOk, $"\0{credentials[0]}\0{credentials[1]}");
        WriteShortString(startOk, "en_US");
        await WriteMethodAsync(stream, 11, startOk.ToArray());

        var (_, tune) = await ReadMethodAsync(stream); // connection.tune: echo it as tune-ok
        await WriteMethodAsync(stream, 31, tune);

        var open = new MemoryStream();
        WriteShortString(open, virtualHost);
        WriteShortString(open, "");
        open.WriteByte(0);
        await WriteMethodAsync(stream, 40, open.ToArray());

        var (method, _) = await ReadMethodAsync(stream);
        return method == 41; // open-ok; a refusal is connection.close (50)
    }

    private static async Task<(int Method, byte[] Arguments)> ReadMethodAsync(NetworkStream stream)
    {
        var header = new byte[7];
        await stream.ReadExactlyAsync(header);
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(3)) + 1];
        await stream.ReadExactlyAsync(payload);
        return (BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(2)), payload[4..^1]);
    }

    /// <summary>A method frame of class connection (10) on channel 0.</summary>
    private static async Task WriteMethodAsync(NetworkStream stream, ushort method, byte[] arguments)
    {
        var frame = new byte[7 + 4 + arguments.Length + 1];
        frame[0] = 1;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(3), 4 + arguments.Length);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(7), 10);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(9), method);
        arguments.CopyTo(frame, 11);
        frame[^1] = FrameEnd;
        await stream.WriteAsync(frame);
    }

    private static void WriteShortString(Stream stream, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        stream.WriteByte((byte)bytes.Length);
        stream.Write(bytes);
    }

    private static void WriteLongString(Stream stream, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }
}
