using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using Gateway.Auth;
using Gateway.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Http;

namespace Gateway.Admin;

/// <summary>
/// <c>/api/admin/system</c> and <c>/api/admin/db-status</c>: the gateway's own settings plus what each service
/// reports at its <c>/internal/*</c> endpoints, asked with the gateway's service token. Administrators only.
/// </summary>
public static class AdminEndpoints
{
    public const string ClientName = "service-internal";

    public sealed record ServiceAnswer(string Service, bool Ok, JsonElement? Report, string? Error);

    public sealed record SystemResponse(string Environment, string Version, RateLimitOptions RateLimits, IReadOnlyList<ServiceAnswer> Services);

    public sealed record DbStatusResponse(bool Ok, IReadOnlyList<ServiceAnswer> Services);

    public static WebApplication MapGatewayAdmin(this WebApplication app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Administration");
        admin.MapGet("/system", SystemAsync);
        admin.MapGet("/db-status", DbStatusAsync);
        return app;
    }

    private static async Task<Results<Ok<SystemResponse>, ProblemHttpResult>> SystemAsync(
        HttpContext http, ServiceIdentity gateway, GatewayRateLimits limits, IHttpClientFactory clients, ServiceTokens tokens, CancellationToken cancellationToken)
    {
        if (Forbidden(http) is { } problem) return problem;
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? gateway.Version;
        return TypedResults.Ok(new SystemResponse(gateway.Environment, version, limits.Options, await AskAllAsync("/internal/system", clients, tokens, cancellationToken)));
    }

    private static async Task<Results<Ok<DbStatusResponse>, ProblemHttpResult>> DbStatusAsync(
        HttpContext http, IHttpClientFactory clients, ServiceTokens tokens, CancellationToken cancellationToken)
    {
        if (Forbidden(http) is { } problem) return problem;
        var answers = (await AskAllAsync("/internal/db-status", clients, tokens, cancellationToken))
            .Select(a => a.Ok && DatabasesOk(a.Report) is null
                ? a with { Ok = false, Error = $"{a.Service} did not answer a database report." }
                : a)
            .ToList();
        var ok = answers.All(a => a.Ok && DatabasesOk(a.Report) == true);
        return TypedResults.Ok(new DbStatusResponse(ok, answers));
    }

    /// <summary>Whether every database in a service's report is ok; null when the report is not one.</summary>
    private static bool? DatabasesOk(JsonElement? report)
    {
        if (report is not { ValueKind: JsonValueKind.Object } r || !r.TryGetProperty("databases", out var databases) || databases.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        return databases.EnumerateArray().All(d => d.ValueKind == JsonValueKind.Object && d.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True);
    }

    // The authentication middleware already turned away requests without a valid credential (401).
    private static ProblemHttpResult? Forbidden(HttpContext http) =>
        http.Features.Get<Caller>() is { IsAnonymous: false } caller && caller.Roles.Contains(UserRoles.Admin)
            ? null
            : Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Administrators only.");

    private static async Task<IReadOnlyList<ServiceAnswer>> AskAllAsync(string path, IHttpClientFactory clients, ServiceTokens tokens, CancellationToken cancellationToken) =>
        await Task.WhenAll(Extensions.Services.Select(async service =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{service}{path}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(service));
                using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return new ServiceAnswer(service, false, null, $"{service} answered {(int)response.StatusCode}.");
                }
                return new ServiceAnswer(service, true, await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken), null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
            {
                return new ServiceAnswer(service, false, null, $"{service} does not answer: {e.Message}");
            }
        }));
}
