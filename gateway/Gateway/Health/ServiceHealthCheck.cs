using System.Text.Json;
using Gateway.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Health;

/// <summary>
/// One check per service behind the gateway: its own <c>/health</c> status (Healthy, Degraded) and active cache
/// provider, or Unhealthy when it is down or does not answer in time. With several instances each is asked: the
/// service is as healthy as its worst instance while at least one works, and Unhealthy only when none does.
/// </summary>
internal sealed class ServiceHealthCheck(string service, IHttpClientFactory clients, IConfiguration configuration) : IHealthCheck
{
    public const string ClientName = "service-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> addresses = ServiceDestinations.InstanceAddresses(configuration, service) is { Count: > 0 } instances
            ? instances
            : configuration[$"ReverseProxy:Clusters:{service}:Destinations:primary:Address"] is { } configured ? [configured] : [];
        if (addresses.Count == 0)
        {
            return HealthCheckResult.Unhealthy($"No address configured for {service}.");
        }

        var results = await Task.WhenAll(addresses.Select(address => CheckInstanceAsync(address, cancellationToken)));
        if (results.Length == 1)
        {
            return results[0];
        }
        var data = new Dictionary<string, object> { ["instances"] = results.Length, ["healthy"] = results.Count(r => r.Status == HealthStatus.Healthy) };
        foreach (var (result, i) in results.Select((r, i) => (r, i)))
        {
            data[$"instance-{i}"] = result.Description ?? result.Status.ToString();
        }
        if (results.FirstOrDefault(r => r.Data.ContainsKey("cache")).Data?.GetValueOrDefault("cache") is { } cache)
        {
            data["cache"] = cache;
        }
        var working = results.Count(r => r.Status != HealthStatus.Unhealthy);
        return results.Min(r => r.Status) switch
        {
            HealthStatus.Healthy => HealthCheckResult.Healthy($"{service}: all {results.Length} instances are healthy.", data),
            _ when working == 0 => HealthCheckResult.Unhealthy($"{service}: none of {results.Length} instances works.", data: data),
            _ => HealthCheckResult.Degraded($"{service}: {working} of {results.Length} instances work.", data: data),
        };
    }

    private async Task<HealthCheckResult> CheckInstanceAsync(string address, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync(new Uri(new Uri(address), "/health"), cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            var status = json.RootElement.TryGetProperty("status", out var s) ? s.GetString() : null;
            var data = new Dictionary<string, object> { ["status"] = status ?? "Unknown" };
            if (json.RootElement.TryGetProperty("cache", out var cache) && cache.TryGetProperty("active", out var active))
            {
                data["cache"] = active.GetString() ?? "unknown";
            }

            return status switch
            {
                "Healthy" => HealthCheckResult.Healthy($"{service} is healthy.", data),
                "Degraded" => HealthCheckResult.Degraded($"{service} is degraded.", data: data),
                _ => HealthCheckResult.Unhealthy($"{service} answered {(int)response.StatusCode} {status}.", data: data),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{service} does not answer: {ex.Message}");
        }
    }
}

internal static class ServiceHealthCheckExtensions
{
    public static void AddServiceHealthChecks(this IHostApplicationBuilder builder, IEnumerable<string> services)
    {
        // Probes get a short timeout and no retries: a slow service is reported, not waited for.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out.
        builder.Services.AddHttpClient(ServiceHealthCheck.ClientName, c => c.Timeout = TimeSpan.FromSeconds(3))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        var checks = builder.Services.AddHealthChecks();
        foreach (var service in services)
        {
            checks.Add(new HealthCheckRegistration(
                service,
                sp => new ServiceHealthCheck(service, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IConfiguration>()),
                failureStatus: null,
                tags: ["services"]));
        }
    }
}
