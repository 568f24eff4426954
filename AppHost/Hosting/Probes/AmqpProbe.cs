using System.Net.Sockets;

namespace Platform.Hosting.Probes;

internal static class AmqpProbe
{
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\u0009\u0001"u8.ToArray();

    /// <summary>
    /// True when the broker answers the AMQP 0-9-1 protocol header with connection.start: the
    /// listener opens only once the broker has booted.
    /// </summary>
    public static async Task<bool> HandshakeAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(ProtocolHeader, cancellationToken);

            // Frame header: type 1 (method), channel 0, 4-byte size; then class 10, method 10.
            var frame = new byte[11];
            await stream.ReadExactlyAsync(frame, cancellationToken);
            return frame[0] == 1 && frame[1] == 0 && frame[2] == 0 && frame[7..11].SequenceEqual(new byte[] { 0, 10, 0, 10 });
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }
}
