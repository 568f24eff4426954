using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Identity.Tests;

/// <summary>The identity API as a client sees it through the gateway.</summary>
public static class IdentityApi
{
    public sealed record SignedIn(string AccessToken, Guid UserId, bool IsNew, JsonElement Body);

    public static string NewEmail() => $"{Guid.NewGuid():N}@example.test";

    public static Task<HttpResponseMessage> SendCodeAsync(this HttpClient client, string target, string channel = "email") =>
        client.PostAsJsonAsync("/api/identity/codes", new { channel, target });

    /// <summary>The newest code sent to the target, read back from the development outbox.</summary>
    public static async Task<string> LatestCodeAsync(this HttpClient client, string target)
    {
        var codes = await client.GetFromJsonAsync<JsonElement>($"/api/identity/dev/outbox?target={Uri.EscapeDataString(target)}");
        Assert.True(codes.GetArrayLength() > 0, $"no code was sent to {target}");
        return codes[0].GetProperty("code").GetString()!;
    }

    public static Task<HttpResponseMessage> SignInAsync(this HttpClient client, string target, string code, string channel = "email") =>
        client.PostAsJsonAsync("/api/identity/sign-in", new { channel, target, code });

    /// <summary>Sends a code, reads it back and signs in with it.</summary>
    public static async Task<SignedIn> SignInNewAsync(this HttpClient client, string? email = null)
    {
        email ??= NewEmail();
        using (var sent = await client.SendCodeAsync(email))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        using var response = await client.SignInAsync(email, await client.LatestCodeAsync(email));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var user = body.GetProperty("user");
        return new SignedIn(body.GetProperty("accessToken").GetString()!, user.GetProperty("id").GetGuid(), user.GetProperty("isNew").GetBoolean(), body);
    }

    /// <summary>The origin the stacks allow to create cookie sessions (<c>Identity:AllowedOrigins</c>).</summary>
    public const string ConsoleOrigin = "https://console.example.test";

    /// <summary><c>POST /sessions</c> as a page of <paramref name="origin"/> sends it (no Origin header when null).</summary>
    public static Task<HttpResponseMessage> CreateSessionAsync(this HttpClient client, string target, string code, string? origin = ConsoleOrigin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/sessions") { Content = JsonContent.Create(new { channel = "email", target, code }) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        return client.SendAsync(request);
    }

    public static HttpRequestMessage WithBearer(this HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    public static Task<HttpResponseMessage> GetWithTokenAsync(this HttpClient client, string path, string token) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path).WithBearer(token));

    public static Task<HttpResponseMessage> PostWithTokenAsync(this HttpClient client, string path, string token, object? body = null) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) }.WithBearer(token));

    public static async Task<string?> ProblemCodeAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.TryGetProperty("code", out var code) ? code.GetString() : null;
    }
}
