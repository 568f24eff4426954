using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// A stand-in SMTP server over real TCP on 127.0.0.1 (no mail server can be reached from here): the commands a
/// submission client uses (EHLO/HELO, AUTH PLAIN and LOGIN, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET,
/// NOOP, QUIT), keeping every accepted message. Given credentials, it advertises AUTH and requires it before MAIL.
/// <see cref="Refusal"/> makes it fail: 550 for every recipient, or 421 instead of its greeting.
/// </summary>
public sealed class SmtpStandIn : IAsyncDisposable
{
    public const string Domain = "smtp.standin.test";

    /// <summary>An accepted message: who authenticated (and how), the envelope, and the raw DATA after unstuffing.</summary>
    public sealed record Message(string? Mechanism, string? User, string? Password, string From, IReadOnlyList<string> To, string Data);

    public enum Refusals
    {
        None,

        /// <summary>550 5.1.1 for every RCPT TO: a permanent refusal.</summary>
        Recipients,

        /// <summary>421 4.3.2 instead of the greeting, then the connection closes: the server is unavailable.</summary>
        Service,
    }

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, bool> _sessions = new();
    private readonly (string User, string Password)? _credentials;
    private readonly Task _accepting;
    private volatile Refusals _refusal;

    private SmtpStandIn((string User, string Password)? credentials)
    {
        _credentials = credentials;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public ConcurrentQueue<Message> Messages { get; } = new();

    /// <summary>The AUTH mechanisms advertised (when credentials are required), in the server's order.</summary>
    public string[] Mechanisms { get; set; } = ["PLAIN", "LOGIN"];

    public Refusals Refusal
    {
        get => _refusal;
        set => _refusal = value;
    }

    /// <summary>An open relay, or with <paramref name="user"/> and <paramref name="password"/> one that requires AUTH.</summary>
    public static SmtpStandIn Start(string? user = null, string? password = null) =>
        new(user is null ? null : (user, password ?? ""));

    /// <summary>The messages whose envelope names <paramref name="recipient"/>, oldest first.</summary>
    public IReadOnlyList<Message> To(string recipient) =>
        [.. Messages.Where(m => m.To.Contains(recipient, StringComparer.OrdinalIgnoreCase))];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var session = SessionAsync(client);
            _sessions[session] = true;
            _ = session.ContinueWith(t => _sessions.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var ct = _stop.Token;
        try
        {
            var stream = client.GetStream();
            // Latin-1 maps bytes to chars one to one, so DATA comes back byte for byte.
            using var reader = new StreamReader(stream, Encoding.Latin1, detectEncodingFromByteOrderMarks: false);
            await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
            if (Refusal == Refusals.Service)
            {
                await writer.WriteLineAsync("421 4.3.2 Service not available, closing transmission channel");
                return;
            }
            await writer.WriteLineAsync($"220 {Domain} ESMTP stand-in ready");

            string? mechanism = null, user = null, password = null, from = null;
            var to = new List<string>();
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
                var argument = space < 0 ? "" : line[(space + 1)..];
                switch (verb)
                {
                    case "EHLO":
                        List<string> lines = [$"{Domain} greets {argument}", "SIZE 10485760", "HELP"];
                        if (_credentials is not null)
                        {
                            lines.Insert(1, "AUTH " + string.Join(' ', Mechanisms));
                        }
                        for (var i = 0; i < lines.Count; i++)
                        {
                            await writer.WriteLineAsync($"250{(i < lines.Count - 1 ? '-' : ' ')}{lines[i]}");
                        }
                        break;
                    case "HELO":
                        await writer.WriteLineAsync($"250 {Domain}");
                        break;
                    case "AUTH":
                        if (await AuthenticateAsync(argument, reader, writer, ct) is { } login)
                        {
                            (mechanism, user, password) = login;
                        }
                        break;
                    case "MAIL" when !argument.StartsWith("FROM:", StringComparison.OrdinalIgnoreCase):
                        await writer.WriteLineAsync("501 5.5.4 Syntax: MAIL FROM:<address>");
                        break;
                    case "MAIL" when _credentials is not null && user is null:
                        await writer.WriteLineAsync("530 5.7.0 Authentication required");
                        break;
                    case "MAIL":
                        from = Address(argument[5..]);
                        to.Clear();
                        await writer.WriteLineAsync("250 2.1.0 Sender OK");
                        break;
                    case "RCPT" when from is null || !argument.StartsWith("TO:", StringComparison.OrdinalIgnoreCase):
                        await writer.WriteLineAsync("503 5.5.1 MAIL FROM first, then RCPT TO:<address>");
                        break;
                    case "RCPT" when Refusal == Refusals.Recipients:
                        await writer.WriteLineAsync("550 5.1.1 Mailbox unavailable");
                        break;
                    case "RCPT":
                        to.Add(Address(argument[3..]));
                        await writer.WriteLineAsync("250 2.1.5 Recipient OK");
                        break;
                    case "DATA" when from is null || to.Count == 0:
                        await writer.WriteLineAsync("503 5.5.1 No valid recipients");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(ct) is { } dataLine && dataLine != ".")
                        {
                            // Dot-unstuffing (RFC 5321 4.5.2): a line the client began with an extra dot loses it.
                            data.Append(dataLine.StartsWith('.') ? dataLine[1..] : dataLine).Append("\r\n");
                        }
                        Messages.Enqueue(new Message(mechanism, user, password, from, [.. to], data.ToString()));
                        (from, to) = (null, []);
                        await writer.WriteLineAsync("250 2.0.0 Queued");
                        break;
                    case "RSET":
                        (from, to) = (null, []);
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not recognised");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client hung up, or the stand-in is stopping.
        }
    }

    /// <summary>AUTH PLAIN (RFC 4616) or LOGIN, with or without an initial response; null when refused.</summary>
    private async Task<(string Mechanism, string User, string Password)?> AuthenticateAsync(
        string argument, StreamReader reader, StreamWriter writer, CancellationToken ct)
    {
        var parts = argument.Split(' ', 2);
        var mechanism = parts[0].ToUpperInvariant();
        var initial = parts.Length > 1 ? parts[1] : null;
        if (_credentials is not { } expected || !Mechanisms.Contains(mechanism))
        {
            await writer.WriteLineAsync("504 5.5.4 Unrecognized authentication type");
            return null;
        }

        string? user, password;
        if (mechanism == "PLAIN")
        {
            if (initial is null)
            {
                await writer.WriteLineAsync("334 ");
                initial = await reader.ReadLineAsync(ct);
            }
            var fields = Decode(initial)?.Split('\0');
            (user, password) = fields is { Length: 3 } ? (fields[1], fields[2]) : (null, null);
        }
        else
        {
            if (initial is null)
            {
                await writer.WriteLineAsync("334 " + Convert.ToBase64String("Username:"u8));
                initial = await reader.ReadLineAsync(ct);
            }
            user = Decode(initial);
            await writer.WriteLineAsync("334 " + Convert.ToBase64String("Password:"u8));
            password = Decode(await reader.ReadLineAsync(ct));
        }

        if (user != expected.User || password != expected.Password)
        {
            await writer.WriteLineAsync("535 5.7.8 Authentication credentials invalid");
            return null;
        }
        await writer.WriteLineAsync("235 2.7.0 Authentication successful");
        return (mechanism, user, password);
    }

    private static string? Decode(string? base64)
    {
        try
        {
            return base64 is null or "*" ? null : Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The address inside <c>&lt;...&gt;</c>, ignoring parameters such as SIZE=.</summary>
    private static string Address(string path)
    {
        var open = path.IndexOf('<', StringComparison.Ordinal);
        var close = path.IndexOf('>', StringComparison.Ordinal);
        return open >= 0 && close > open ? path[(open + 1)..close] : path.Trim();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_sessions.Keys);
        _stop.Dispose();
    }
}
