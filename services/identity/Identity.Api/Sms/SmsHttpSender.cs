using Identity.Api.Codes;
using Microsoft.Extensions.Options;

namespace Identity.Api.Sms;

/// <summary>
/// Sends SMS codes to an HTTP provider as a JSON POST (<c>{"to": "+...", "text": "...", "from": "..."}</c>, field
/// names configurable); any non-2xx answer is a failure. The body and the credential are never logged, and neither
/// is the provider's answer (some echo the text, and with it the code).
/// </summary>
public sealed partial class SmsHttpSender(HttpClient http, IOptions<SmsHttpOptions> options, ILogger<SmsHttpSender> logger) : ICodeSender
{
    public async Task SendAsync(Channel channel, string target, string code, TimeSpan validFor, CancellationToken cancellationToken)
    {
        var sms = options.Value;
        var body = new Dictionary<string, string>
        {
            [sms.ToField] = target,
            [sms.MessageField] = CodeText.Render(sms.Message, code, validFor),
        };
        if (!string.IsNullOrEmpty(sms.SenderId))
        {
            body[sms.SenderField] = sms.SenderId;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, sms.Url) { Content = JsonContent.Create(body) };
        if (!string.IsNullOrEmpty(sms.AuthHeaderValue))
        {
            request.Headers.TryAddWithoutValidation(sms.AuthHeaderName is { Length: > 0 } name ? name : SmsHttpOptions.DefaultAuthHeaderName, sms.AuthHeaderValue);
        }

        int status;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Unreachable, connection reset or the timeout (HttpClient's own cancellation).
            LogFailed(logger, e, new Uri(sms.Url!).Authority);
            throw new CodeDeliveryFailedException(channel, e);
        }
        if (status is < 200 or > 299)
        {
            LogRefused(logger, new Uri(sms.Url!).Authority, status);
            throw new CodeDeliveryFailedException(channel);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An SMS code was not delivered: the provider at {Provider} could not be reached")]
    private static partial void LogFailed(ILogger logger, Exception exception, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An SMS code was not delivered: the provider at {Provider} answered {Status}")]
    private static partial void LogRefused(ILogger logger, string provider, int status);
}
