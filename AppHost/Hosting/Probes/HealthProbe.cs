using System.Net;

namespace Platform.Hosting.Probes;

internal static class HealthProbe
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>True when GET /health answers 200: Healthy or Degraded.</summary>
    public static async Task<bool> IsHealthyAsync(string baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync($"{baseUrl}/health", cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // the client's own timeout
        }
    }
}
