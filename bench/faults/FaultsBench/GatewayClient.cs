using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Bench.Faults;

/// <summary>Requests through the gateway, each answer (or failure to get one) recorded in the ledger.</summary>
public sealed class GatewayClient(Uri gateway, Ledger ledger) : IDisposable
{
    // Short-lived pooled connections: after the gateway restarts, new ones go to the new process.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(5) })
    {
        BaseAddress = gateway,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public sealed record Answer(int Status, JsonElement Body)
    {
        public bool Ok => Status is >= 200 and < 300;

        /// <summary>No answer at all: the request may or may not have been applied.</summary>
        public bool Unknown => Status < 0;
    }

    public Task<Answer> GetAsync(string operation, string path, string? token, string? domain = null) =>
        SendAsync(operation, HttpMethod.Get, path, token, null, domain);

    public Task<Answer> PostAsync(string operation, string path, string? token, object? body, string? domain = null,
        IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(operation, HttpMethod.Post, path, token, body is null ? null : JsonSerializer.Serialize(body), domain, headers);

    public async Task<Answer> SendAsync(string operation, HttpMethod method, string path, string? token, string? json, string? domain = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (domain is not null) request.Headers.Add("X-Domain", domain);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var body = Parse(text);
            var status = (int)response.StatusCode;
            string? code = null;
            if (status >= 300 && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
            {
                code = c.GetString();
            }
            ledger.Add(new Outcome(DateTimeOffset.UtcNow, operation, status, response.Headers.RetryAfter is not null, code));
            return new Answer(status, body);
        }
        catch (TaskCanceledException)
        {
            ledger.Add(new Outcome(DateTimeOffset.UtcNow, operation, Outcome.TimedOut, false, null));
            return new Answer(Outcome.TimedOut, default);
        }
        catch (HttpRequestException)
        {
            ledger.Add(new Outcome(DateTimeOffset.UtcNow, operation, Outcome.ConnectionFailed, false, null));
            return new Answer(Outcome.ConnectionFailed, default);
        }
    }

    private static JsonElement Parse(string text)
    {
        try
        {
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }

    public void Dispose() => _http.Dispose();
}
