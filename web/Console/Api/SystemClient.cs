using System.Text.Json;
using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>The gateway's own status endpoints (administrators only).</summary>
public sealed class SystemClient(HttpClient http, Session session, NavigationManager navigation)
    : ApiClient(http, session, navigation, "gateway")
{
    public sealed record ServiceAnswer(string Service, bool Ok, JsonElement? Report, string? Error);

    public sealed record SystemReport(string Environment, string Version, IReadOnlyList<ServiceAnswer> Services);

    public Task<SystemReport> SystemAsync() => GetAsync<SystemReport>("/api/admin/system");

    public Task<SystemReport> DbStatusAsync() => GetAsync<SystemReport>("/api/admin/db-status");
}
