namespace Identity.Api.Codes;

/// <summary>Delivers a verification code: SMTP, an SMS provider, or the development outbox.</summary>
public interface ICodeSender
{
    Task SendAsync(Channel channel, string target, string code, CancellationToken cancellationToken);
}

/// <summary>The sender when none is configured: refuses, so no code is ever written to a log instead.</summary>
public sealed class UnconfiguredCodeSender : ICodeSender
{
    public Task SendAsync(Channel channel, string target, string code, CancellationToken cancellationToken) =>
        throw new CodeSenderUnavailableException($"No sender is configured for {channel.ToString().ToLowerInvariant()} codes.");
}

public sealed class CodeSenderUnavailableException(string message) : Exception(message);
