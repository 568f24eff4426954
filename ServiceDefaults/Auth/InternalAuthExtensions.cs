using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Auth;

namespace Microsoft.Extensions.Hosting;

public static class InternalAuthExtensions
{
    /// <summary>Policy of endpoints only an administrator may call.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>Policy of <c>/internal/*</c> endpoints: only the gateway's own service token.</summary>
    public const string GatewayPolicy = "gateway";

    /// <summary>
    /// Services trust only the gateway's internal JWT: ES256 verified with <c>InternalAuth:PublicKey</c> (SubjectPublicKeyInfo, base64),
    /// audience = this service, issuer = gateway. Every endpoint needs a signed-in user unless it says otherwise,
    /// so a client token sent straight to a service is 401 and the gateway cannot be bypassed.
    /// </summary>
    public static IHostApplicationBuilder AddInternalAuthentication(this IHostApplicationBuilder builder)
    {
        var service = ServiceIdentity.From(builder);
        var configured = builder.Configuration["InternalAuth:PublicKey"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                "InternalAuth:PublicKey (the gateway's ES256 public key, base64 SubjectPublicKeyInfo) is not configured; the AppHost injects it as InternalAuth__PublicKey.");
        }
        var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(Convert.FromBase64String(configured), out _);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.RequireHttpsMetadata = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = InternalClaims.Issuer,
                ValidAudience = service.Name,
                IssuerSigningKey = new ECDsaSecurityKey(publicKey),
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                NameClaimType = InternalClaims.Subject,
                RoleClaimType = InternalClaims.Roles,
                ClockSkew = TimeSpan.FromSeconds(5),
            };
        });
        builder.Services.AddSingleton<InternalAuthentication>();
        builder.Services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, MissingGrantResultHandler>();
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(InternalClaims.Subject).Build())
            .AddPolicy(AdminPolicy, p => p.RequireClaim(InternalClaims.Subject).RequireRole(UserRoles.Admin))
            .AddPolicy(GatewayPolicy, p => p.RequireClaim(InternalClaims.CredentialType, InternalClaims.Types.Service).RequireRole("gateway"));
        return builder;
    }
}

/// <summary>Registered by <c>AddInternalAuthentication</c>: this process is a service behind the gateway.</summary>
public sealed class InternalAuthentication;
