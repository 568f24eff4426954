using System.Net.Mail;
using Identity.Api.Codes;
using Microsoft.Extensions.Options;

namespace Identity.Api.Email;

/// <summary>How the SMTP connection is secured (MailKit's socket options).</summary>
public enum SmtpSecurity
{
    /// <summary>TLS on connect for port 465, otherwise STARTTLS when the server offers it (plain text when it does not).</summary>
    Auto,

    /// <summary>Plain text: a relay on the same host or a private network only.</summary>
    None,

    /// <summary>STARTTLS, required: the send fails if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect,
}

/// <summary>
/// The <c>Identity:Email:Smtp</c> section. Email codes go over SMTP when <see cref="Host"/> is set; the password
/// belongs in the environment or a secret store (<c>Identity__Email__Smtp__Password</c>), never in a file.
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "Identity:Email:Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>With <see cref="Password"/>: authenticate (AUTH) before sending. Unset: send without AUTH.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender's address (<c>From:</c> and the envelope's <c>MAIL FROM</c>).</summary>
    public string? From { get; set; }

    public string? FromName { get; set; }

    public string Subject { get; set; } = "Your sign-in code";

    /// <summary>The plain-text body; <c>{code}</c> and <c>{minutes}</c> (the code's lifetime) are filled in.</summary>
    public string Body { get; set; } =
        "Your sign-in code is {code}\n\nIt is valid for {minutes} minutes. If you did not ask for it, you can ignore this email.\n";

    /// <summary>For connecting and for each command, not the whole send.</summary>
    public int TimeoutSeconds { get; set; } = 15;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>Refuses a half-configured SMTP sender at startup, naming the setting to fix.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        if (!options.IsEnabled)
        {
            return ValidateOptionsResult.Success;
        }
        const string S = SmtpOptions.Section;
        var failures = new List<string>();
        if (!MailAddress.TryCreate(options.From, out var from) || from.Address != options.From)
        {
            failures.Add($"{S}:From must be the sender's email address (e.g. no-reply@example.com) when {S}:Host is set.");
        }
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{S}:Port must be between 1 and 65535.");
        }
        if (string.IsNullOrEmpty(options.UserName) != string.IsNullOrEmpty(options.Password))
        {
            var missing = string.IsNullOrEmpty(options.UserName) ? "UserName" : "Password";
            failures.Add($"{S}:{missing} is required when {S}:{(missing == "UserName" ? "Password" : "UserName")} is set.");
        }
        if (string.IsNullOrWhiteSpace(options.Subject))
        {
            failures.Add($"{S}:Subject must not be empty.");
        }
        if (!options.Body.Contains(CodeText.CodePlaceholder, StringComparison.Ordinal))
        {
            failures.Add($"{S}:Body must contain {CodeText.CodePlaceholder}.");
        }
        if (options.TimeoutSeconds is < 1 or > 300)
        {
            failures.Add($"{S}:TimeoutSeconds must be between 1 and 300.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
