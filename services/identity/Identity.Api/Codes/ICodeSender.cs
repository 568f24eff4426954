namespace Identity.Api.Codes;

/// <summary>Delivers a verification code: SMTP, an SMS provider, or the development outbox.</summary>
public interface ICodeSender
{
    /// <summary>
    /// Delivers the code, valid for <paramref name="validFor"/>. A provider's refusal, error or timeout is a
    /// <see cref="CodeDeliveryFailedException"/>; a missing sender is a <see cref="CodeSenderUnavailableException"/>.
    /// </summary>
    Task SendAsync(Channel channel, string target, string code, TimeSpan validFor, CancellationToken cancellationToken);
}

/// <summary>The sender when none is configured: refuses, so no code is ever written to a log instead.</summary>
public sealed class UnconfiguredCodeSender : ICodeSender
{
    public Task SendAsync(Channel channel, string target, string code, TimeSpan validFor, CancellationToken cancellationToken) =>
        throw new CodeSenderUnavailableException($"No sender is configured for {channel.ToString().ToLowerInvariant()} codes.");
}

/// <summary>The sender registered for each channel (keyed by <see cref="Channel"/>), chosen by configuration at startup.</summary>
public sealed class ChannelCodeSender(IServiceProvider services) : ICodeSender
{
    public Task SendAsync(Channel channel, string target, string code, TimeSpan validFor, CancellationToken cancellationToken) =>
        services.GetRequiredKeyedService<ICodeSender>(channel).SendAsync(channel, target, code, validFor, cancellationToken);
}

public sealed class CodeSenderUnavailableException(string message) : Exception(message);

/// <summary>The provider did not take the message (refused, failed or timed out): the code was not delivered.</summary>
public sealed class CodeDeliveryFailedException(Channel channel, Exception? inner = null)
    : Exception($"The {channel.ToString().ToLowerInvariant()} provider did not take the code.", inner)
{
    public Channel Channel { get; } = channel;
}
