using Identity.Api.Accounts;
using Identity.Api.Codes;
using Identity.Api.Data;
using Identity.Api.DevOutbox;
using Identity.Api.Grants;
using Identity.Api.OAuth;
using Identity.Api.Sessions;
using Identity.Api.SignIn;
using Identity.Api.Tokens;

namespace Identity.Api;

internal static class Extensions
{
    /// <summary>Everything the identity service depends on: its database, cache, sessions, messaging and senders.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<IdentityDbContext>("identitydb");
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
        });

        var options = builder.Configuration.GetSection("Identity");
        builder.Services.AddOptions<IdentityOptions>().Bind(options).ValidateDataAnnotations().ValidateOnStart();
        if (options.GetValue<bool>(nameof(IdentityOptions.DevOutbox)))
        {
            if (builder.Environment.IsProduction())
            {
                throw new InvalidOperationException("Identity:DevOutbox must not be on in Production: it makes every sign-in code readable.");
            }
            builder.Services.AddScoped<ICodeSender, DevOutboxSender>();
        }
        else
        {
            builder.Services.AddSingleton<ICodeSender, UnconfiguredCodeSender>();
        }

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
}
