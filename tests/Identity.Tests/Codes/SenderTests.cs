using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;

namespace Identity.Tests.Codes;

/// <summary>
/// Codes delivered by the real senders (docs/identity.md: SMTP through MailKit, an SMS HTTP provider) to
/// stand-ins speaking SMTP and HTTP, and what a client sees when a provider fails.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class SenderTests(IdentityPlatform platform)
{
    private SenderHosts Senders => platform.Senders;

    [Fact]
    public async Task An_email_code_arrives_over_SMTP_as_a_MIME_message_and_signs_in()
    {
        using var client = Senders.WithProviders.Client();
        var email = IdentityApi.NewEmail();

        using (var sent = await client.SendCodeAsync(email))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        var delivered = Assert.Single(Senders.Smtp.To(email));
        Assert.Equal(SenderHosts.From, delivered.From);
        Assert.Null(delivered.User);
        using var mime = Parse(delivered);
        var from = Assert.Single(mime.From.Mailboxes);
        Assert.Equal((SenderHosts.From, SenderHosts.FromName), (from.Address, from.Name));
        Assert.Equal(email, Assert.Single(mime.To.Mailboxes).Address);
        Assert.Equal("Your sign-in code", mime.Subject);
        Assert.Contains("valid for 5 minutes", mime.TextBody, StringComparison.Ordinal);
        var code = CodeIn(mime.TextBody);

        using var signedIn = await client.SignInAsync(email, code);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(email, (await signedIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").GetProperty("email").GetString());

        // SMTP wins over the development outbox, which this host has on: nothing was kept there.
        var outbox = await client.GetFromJsonAsync<JsonElement>($"/api/identity/dev/outbox?target={Uri.EscapeDataString(email)}");
        Assert.Equal(0, outbox.GetArrayLength());
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task With_credentials_the_SMTP_sender_authenticates_before_sending(string mechanism)
    {
        var smtp = Senders.AuthSmtp;
        smtp.Mechanisms = [mechanism];
        try
        {
            using var client = Senders.WithSmtpAuth.Client();
            var email = IdentityApi.NewEmail();
            using (var sent = await client.SendCodeAsync(email))
            {
                Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            }

            // The stand-in answers MAIL FROM with 530 until AUTH succeeds, so a delivered message proves the login.
            var delivered = Assert.Single(smtp.To(email));
            Assert.Equal((mechanism, SenderHosts.SmtpUser, SenderHosts.SmtpPassword), (delivered.Mechanism, delivered.User, delivered.Password));
            using var mime = Parse(delivered);
            using var signedIn = await client.SignInAsync(email, CodeIn(mime.TextBody));
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
            Assert.DoesNotContain(Senders.WithSmtpAuth.Logs.Lines, l => l.Contains(SenderHosts.SmtpPassword, StringComparison.Ordinal));
        }
        finally
        {
            smtp.Mechanisms = ["PLAIN", "LOGIN"];
        }
    }

    [Fact]
    public async Task An_SMS_code_is_posted_to_the_provider_with_its_key_and_the_phone_and_signs_in()
    {
        using var client = Senders.WithProviders.Client();
        var phone = NewPhone();

        // Written as people do; the provider gets the normalised number.
        using (var sent = await client.SendCodeAsync($"{phone[..3]} {phone[3..6]}-{phone[6..]}", "sms"))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        var call = Assert.Single(SmsCallsTo(phone));
        Assert.Equal(SenderHosts.SmsKey, call.Headers["x-api-key"]);
        Assert.StartsWith("application/json", call.ContentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal(SenderHosts.SmsSender, body.RootElement.GetProperty("from").GetString());
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.Contains("valid for 5 minutes", text, StringComparison.Ordinal);

        using var signedIn = await client.SignInAsync(phone, CodeIn(text), "sms");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(phone, (await signedIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").GetProperty("phone").GetString());
        Assert.DoesNotContain(Senders.WithProviders.Logs.Lines, l => l.Contains(SenderHosts.SmsKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refusing_SMTP_server_is_a_502_and_failed_sends_count_toward_no_limit()
    {
        var smtp = Senders.Smtp;
        using var client = Senders.WithProviders.Client();
        var email = IdentityApi.NewEmail();
        try
        {
            // More failures from one address to one target than the IP's hourly and the target's daily limits.
            for (var attempt = 1; attempt <= 11; attempt++)
            {
                smtp.Refusal = attempt % 2 == 0 ? SmtpStandIn.Refusals.Service : SmtpStandIn.Refusals.Recipients;
                using var refused = await client.SendCodeAsync(email);
                Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
                var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal("code_delivery_failed", problem.GetProperty("code").GetString());
                Assert.Contains("by email", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            smtp.Refusal = SmtpStandIn.Refusals.None;
        }
        Assert.Empty(smtp.To(email));

        // The provider is back: the next request is sent at once (no resend interval, ban or daily limit was started).
        using (var sent = await client.SendCodeAsync(email))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        using var mime = Parse(Assert.Single(smtp.To(email)));
        using var signedIn = await client.SignInAsync(email, CodeIn(mime.TextBody));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task An_SMS_provider_error_is_a_502_and_the_user_may_ask_again_at_once()
    {
        var sms = Senders.Sms;
        using var client = Senders.WithProviders.Client();
        var phone = NewPhone();
        try
        {
            foreach (var status in new[] { 500, 401, 503 })
            {
                sms.FailWith(status);
                using var refused = await client.SendCodeAsync(phone, "sms");
                Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
                Assert.Equal("code_delivery_failed", await refused.ProblemCodeAsync());
            }
        }
        finally
        {
            sms.Recover();
        }
        // One call per failure: a POST that may have texted the code is not retried behind the user's back.
        Assert.Equal(3, SmsCallsTo(phone).Count);

        using (var sent = await client.SendCodeAsync(phone, "sms"))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        var calls = SmsCallsTo(phone);
        Assert.Equal(4, calls.Count);
        using var body = JsonDocument.Parse(calls[^1].Body);
        using var signedIn = await client.SignInAsync(phone, CodeIn(body.RootElement.GetProperty("text").GetString()!), "sms");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task An_SMS_provider_that_never_answers_is_a_502_after_the_timeout()
    {
        var sms = Senders.Sms;
        using var client = Senders.WithProviders.Client();
        var phone = NewPhone();
        sms.Hang = true;
        try
        {
            using var refused = await client.SendCodeAsync(phone, "sms");
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
            Assert.Equal("code_delivery_failed", await refused.ProblemCodeAsync());
            Assert.True(sms.Held > 0, "the provider never saw the request");
        }
        finally
        {
            sms.Recover();
        }

        using var sent = await client.SendCodeAsync(phone, "sms");
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
    }

    [Fact]
    public async Task Without_an_SMS_provider_or_the_outbox_SMS_codes_are_503_while_email_still_works()
    {
        using var client = Senders.WithSmtpAuth.Client();

        using var sms = await client.SendCodeAsync(NewPhone(), "sms");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, sms.StatusCode);
        Assert.Equal("sender_unavailable", await sms.ProblemCodeAsync());

        var email = IdentityApi.NewEmail();
        using var sent = await client.SendCodeAsync(email);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Single(Senders.AuthSmtp.To(email));
    }

    private List<SmsStandIn.Call> SmsCallsTo(string phone) =>
        [.. Senders.Sms.Calls.Where(c => JsonSerializer.Deserialize<JsonElement>(c.Body).GetProperty("to").GetString() == phone)];

    /// <summary>The message as a mail client reads it: proof that what went over DATA is valid MIME.</summary>
    private static MimeMessage Parse(SmtpStandIn.Message message) =>
        MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(message.Data)));

    private static string CodeIn(string? text)
    {
        Assert.NotNull(text);
        var match = SixDigits().Match(text);
        Assert.True(match.Success, $"no 6-digit code in: {text}");
        return match.Value;
    }

    /// <summary>A fresh number in international form: +1 555 and seven random digits.</summary>
    private static string NewPhone() => "+1555" + Random.Shared.Next(0, 10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<![0-9])[0-9]{6}(?![0-9])")]
    private static partial Regex SixDigits();
}
