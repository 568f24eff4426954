using Identity.Api.Codes;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Identity.Api.Email;

/// <summary>
/// Sends email codes over SMTP with MailKit, one connection per code (codes are rare; nothing to keep alive).
/// Neither the code nor the password is ever logged.
/// </summary>
public sealed partial class SmtpCodeSender(IOptions<SmtpOptions> options, ILogger<SmtpCodeSender> logger) : ICodeSender
{
    public async Task SendAsync(Channel channel, string target, string code, TimeSpan validFor, CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        // The validator has made sure these are set whenever this sender is registered.
        var (host, from) = (smtp.Host!, smtp.From!);
        using var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName ?? "", from));
        message.To.Add(new MailboxAddress("", target));
        message.Subject = CodeText.Render(smtp.Subject, code, validFor);
        message.Body = new TextPart(MimeKit.Text.TextFormat.Plain) { Text = CodeText.Render(smtp.Body, code, validFor) };

        using var client = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(smtp.TimeoutSeconds).TotalMilliseconds };
        try
        {
            await client.ConnectAsync(host, smtp.Port, SocketOptions(smtp.Security), cancellationToken);
            if (smtp is { UserName: { Length: > 0 } user, Password: { } password })
            {
                await client.AuthenticateAsync(user, password, cancellationToken);
            }
            await client.SendAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Refused (a 4xx/5xx reply), authentication, TLS, connection or timeout: the server did not take it.
            LogFailed(logger, e, host, smtp.Port);
            throw new CodeDeliveryFailedException(channel, e);
        }

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The server already accepted the message; a failed QUIT changes nothing for the user.
            LogQuitFailed(logger, e, host, smtp.Port);
        }
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "An email code was not delivered: the SMTP server {Host}:{Port} did not take it")]
    private static partial void LogFailed(ILogger logger, Exception exception, string host, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "QUIT to the SMTP server {Host}:{Port} failed after the message was accepted")]
    private static partial void LogQuitFailed(ILogger logger, Exception exception, string host, int port);
}
