using Identity.Api.Accounts;
using Identity.Api.ApiKeys;
using Identity.Api.Codes;
using Identity.Api.Data;
using Identity.Api.DevOutbox;
using Identity.Api.Email;
using Identity.Api.Grants;
using Identity.Api.OAuth;
using Identity.Api.Sessions;
using Identity.Api.SignIn;
using Identity.Api.Sms;
using Identity.Api.Tokens;
using Microsoft.Extensions.Options;

namespace Identity.Api;

internal static class Extensions
{
    /// <summary>Everything the identity service depends on: its database, cache, sessions, messaging and senders.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDbContext<IdentityDbContext>("identitydb");
        builder.Services.AddMigration<IdentityDbContext>();
        builder.AddDataProtectionKeys<IdentityDbContext>();
        builder.AddCaching("cache");
        builder.AddSessions();
        builder.Services.AddOptions<IdentityLimits>().BindConfiguration(IdentityLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddInternalAuthentication();
        builder.AddMessaging<IdentityDbContext>("messaging", bus =>
        {
            bus.AddConsumer<UserDisabledConsumer>();
            bus.AddConsumer<UserEnabledConsumer>();
            bus.AddConsumer<RelayPlanChangedConsumer>();
        });

        var options = builder.Configuration.GetSection("Identity");
        builder.Services.AddOptions<IdentityOptions>().Bind(options);
        var devOutbox = options.GetValue<bool>(nameof(IdentityOptions.DevOutbox));
        if (devOutbox && !builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"Identity:DevOutbox is on in {builder.Environment.EnvironmentName}: it is allowed only in Development, since it makes every sign-in code readable.");
        }
        builder.AddCodeSenders(devOutbox);

        builder.Services.AddOptions<OAuthOptions>().Bind(options.GetSection("OAuth"));
        builder.Services.AddHttpClient<OAuthClient>();

        builder.Services.AddSingleton<IdentitySecrets>();
        builder.Services.AddScoped<CodeVerifier>();
        builder.Services.AddScoped<UserAccounts>();
        builder.Services.AddScoped<CodeSignIn>();
        builder.Services.AddScoped<TokenService>();
        builder.Services.AddScoped<SessionService>();
        builder.Services.AddScoped<EffectivePermissions>();
    }

    /// <summary>
    /// Each channel's sender, chosen here by configuration: its provider when configured (SMTP when
    /// <c>Identity:Email:Smtp:Host</c> is set, the HTTP provider when <c>Identity:Sms:Http:Url</c> is), else the
    /// development outbox when on, else none (sending answers 503). A half-configured provider fails startup.
    /// </summary>
    private static void AddCodeSenders(this IHostApplicationBuilder builder, bool devOutbox)
    {
        builder.Services.AddScoped<ICodeSender, ChannelCodeSender>();

        builder.Services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{SmtpOptions.Section}:{nameof(SmtpOptions.Host)}"]))
        {
            builder.Services.AddKeyedSingleton<ICodeSender, SmtpCodeSender>(Channel.Email);
        }
        else
        {
            AddFallbackSender(Channel.Email);
        }

        builder.Services.AddOptions<SmsHttpOptions>().BindConfiguration(SmsHttpOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SmsHttpOptions>, SmsHttpOptionsValidator>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{SmsHttpOptions.Section}:{nameof(SmsHttpOptions.Url)}"]))
        {
            // No retries, unlike other clients: a provider that answered 5xx or timed out may still have sent the
            // text, and a second try could deliver the code twice. The user asks again instead (a failed send is
            // not counted). No redirects either: the credential header must not follow one elsewhere.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out.
            builder.Services.AddHttpClient<SmsHttpSender>((services, http) =>
                    http.Timeout = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<SmsHttpOptions>>().Value.TimeoutSeconds))
                .ConfigurePrimaryHttpMessageHandler((handler, _) =>
                {
                    if (handler is SocketsHttpHandler sockets) sockets.AllowAutoRedirect = false;
                    else if (handler is HttpClientHandler client) client.AllowAutoRedirect = false;
                })
                .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            builder.Services.AddKeyedTransient<ICodeSender>(Channel.Sms, (services, _) => services.GetRequiredService<SmsHttpSender>());
        }
        else
        {
            AddFallbackSender(Channel.Sms);
        }

        void AddFallbackSender(Channel channel)
        {
            if (devOutbox)
            {
                builder.Services.AddKeyedScoped<ICodeSender, DevOutboxSender>(channel);
            }
            else
            {
                builder.Services.AddKeyedSingleton<ICodeSender, UnconfiguredCodeSender>(channel);
            }
        }
    }
}
