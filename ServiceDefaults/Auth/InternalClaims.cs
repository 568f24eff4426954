using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults.Auth;

/// <summary>The claims of the internal JWT the gateway forwards (docs/gateway.md).</summary>
public static class InternalClaims
{
    public const string Issuer = "gateway";
    public const string Subject = "sub";
    public const string Roles = "roles";
    /// <summary>A grant on one of the audience's resources, <c>resource:access</c> (see <see cref="Permissions"/>).</summary>
    public const string Permissions = "perm";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string CredentialType = "cred_type";
    public const string CredentialId = "cred_id";
    public const string ClientAddress = "client_ip";
    /// <summary>An API key's concurrency limit, as identity set it; absent when the key has none.</summary>
    public const string KeyConcurrency = "key_concurrency";
    /// <summary>An API key's daily cost limit (invariant decimal); absent when the key has none.</summary>
    public const string KeyDailyCost = "key_daily_cost";

    /// <summary>One of an API key's scopes (a claim per scope); tokens and sessions carry none and reach everything.</summary>
    public const string Scope = "scope";

    /// <summary>What an API key may reach: <c>relay</c> the model endpoints under <c>/v1</c>, <c>api</c> the platform's <c>/api/**</c>.</summary>
    public static class Scopes
    {
        public const string Relay = "relay";
        public const string Api = "api";

        public static readonly IReadOnlyList<string> All = [Api, Relay];
    }

    /// <summary>Credential types: what the caller presented at the gateway.</summary>
    public static class Types
    {
        public const string Token = "token";
        public const string Session = "session";
        public const string ApiKey = "api_key";
        /// <summary>No credential: the JWT only carries the client's address for anonymous routes.</summary>
        public const string Anonymous = "anonymous";
        /// <summary>The gateway itself calling a service's <c>/internal/*</c> endpoints.</summary>
        public const string Service = "service";
    }

    public static Guid? UserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(Subject), out var id) ? id : null;

    /// <summary>The signed-in user's id; only call it behind the default (authenticated) policy.</summary>
    public static Guid RequiredUserId(this ClaimsPrincipal user) =>
        user.UserId() ?? throw new InvalidOperationException("The request has no authenticated user.");

    public static string? CredentialTypeOf(this ClaimsPrincipal user) => user.FindFirstValue(CredentialType);

    /// <summary>Whether the caller may reach what <paramref name="scope"/> covers: any token or session, an API key only with that scope.</summary>
    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.CredentialTypeOf() != Types.ApiKey || user.HasClaim(Scope, scope);

    public static string? CredentialIdOf(this ClaimsPrincipal user) => user.FindFirstValue(CredentialId);

    public static int? KeyConcurrencyOf(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(KeyConcurrency), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null;

    public static decimal? KeyDailyCostOf(this ClaimsPrincipal user) =>
        decimal.TryParse(user.FindFirstValue(KeyDailyCost), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var limit) ? limit : null;

    /// <summary>
    /// The client's address as the gateway saw it. Without a gateway JWT (a direct call on loopback) it is the
    /// connection's own peer; a client-sent header such as X-Forwarded-For is never read.
    /// </summary>
    public static string ClientIp(this HttpContext context) =>
        context.User.FindFirstValue(ClientAddress) is { Length: > 0 } ip && IPAddress.TryParse(ip, out _)
            ? ip
            : (context.Connection.RemoteIpAddress ?? IPAddress.Loopback).ToString();
}
