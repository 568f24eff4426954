using Identity.Api.Codes;
using Microsoft.Extensions.Options;

namespace Identity.Api.Sms;

/// <summary>
/// The <c>Identity:Sms:Http</c> section: a generic SMS provider that takes a JSON POST. SMS codes go there when
/// <see cref="Url"/> is set; the credential header's value belongs in the environment or a secret store
/// (<c>Identity__Sms__Http__AuthHeaderValue</c>), never in a file or the URL.
/// </summary>
public sealed class SmsHttpOptions
{
    public const string Section = "Identity:Sms:Http";
    public const string DefaultAuthHeaderName = "Authorization";

    public string? Url { get; set; }

    /// <summary>The header carrying the credential; <c>Authorization</c> when only the value is set.</summary>
    public string? AuthHeaderName { get; set; }

    /// <summary>The credential, e.g. <c>Bearer ...</c> or an API key; no header is sent when unset.</summary>
    public string? AuthHeaderValue { get; set; }

    /// <summary>The JSON field for the phone number (international form, <c>+</c> and digits).</summary>
    public string ToField { get; set; } = "to";

    public string MessageField { get; set; } = "text";

    /// <summary>The JSON field for <see cref="SenderId"/>; left out of the body when no sender id is set.</summary>
    public string SenderField { get; set; } = "from";

    public string? SenderId { get; set; }

    /// <summary>The text; <c>{code}</c> and <c>{minutes}</c> (the code's lifetime) are filled in.</summary>
    public string Message { get; set; } = "Your sign-in code is {code}. It is valid for {minutes} minutes.";

    /// <summary>For the whole request; the send is not retried (a retry could text the same code twice).</summary>
    public int TimeoutSeconds { get; set; } = 10;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Url);
}

/// <summary>Refuses a half-configured SMS provider at startup, naming the setting to fix.</summary>
internal sealed class SmsHttpOptionsValidator : IValidateOptions<SmsHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmsHttpOptions options)
    {
        if (!options.IsEnabled)
        {
            return ValidateOptionsResult.Success;
        }
        const string S = SmsHttpOptions.Section;
        var failures = new List<string>();
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{S}:Url must be an absolute http(s) URL.");
        }
        if (!string.IsNullOrEmpty(options.AuthHeaderName) && string.IsNullOrEmpty(options.AuthHeaderValue))
        {
            failures.Add($"{S}:AuthHeaderValue is required when {S}:AuthHeaderName is set.");
        }
        if (options.AuthHeaderName is { Length: > 0 } header && !header.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            failures.Add($"{S}:AuthHeaderName must be a header name (letters, digits, '-' and '_').");
        }
        string[] fields = [nameof(options.ToField), nameof(options.MessageField), nameof(options.SenderField)];
        string[] values = [options.ToField, options.MessageField, options.SenderField];
        for (var i = 0; i < fields.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                failures.Add($"{S}:{fields[i]} must not be empty.");
            }
        }
        if (values.Distinct(StringComparer.Ordinal).Count() != values.Length)
        {
            failures.Add($"{S}:ToField, {S}:MessageField and {S}:SenderField must differ.");
        }
        if (!options.Message.Contains(CodeText.CodePlaceholder, StringComparison.Ordinal))
        {
            failures.Add($"{S}:Message must contain {CodeText.CodePlaceholder}.");
        }
        if (options.TimeoutSeconds is < 1 or > 120)
        {
            failures.Add($"{S}:TimeoutSeconds must be between 1 and 120.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
