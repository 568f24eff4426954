using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Components;

namespace WebConsole.Api;

/// <summary>
/// What every service's client shares: its <c>X-Domain</c> on every request, the session's <c>X-CSRF-Token</c> on
/// unsafe methods (fetched again and the request retried once when the gateway refuses it), 401 leading to the
/// sign-in page with the way back, and every other refusal thrown as the API worded it.
/// </summary>
public abstract class ApiClient(HttpClient http, Session session, NavigationManager navigation, string domain)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected Session Session => session;

    protected async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default) =>
        await ReadAsync<T>(await SendCheckedAsync(HttpMethod.Get, path, null, cancellationToken), cancellationToken);

    protected async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken = default) =>
        await ReadAsync<T>(await SendCheckedAsync(method, path, body, cancellationToken), cancellationToken);

    protected async Task SendAsync(HttpMethod method, string path, object? body = null, CancellationToken cancellationToken = default) =>
        (await SendCheckedAsync(method, path, body, cancellationToken)).Dispose();

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        var response = await SendOnceAsync(method, path, body, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Forbidden && IsUnsafe(method))
        {
            var problem = ApiProblem.Parse(403, await response.Content.ReadAsStringAsync(cancellationToken));
            if (problem.Code != "csrf_failed")
            {
                response.Dispose();
                throw new ApiException(problem);
            }
            response.Dispose();
            session.CsrfToken = null;
            response = await SendOnceAsync(method, path, body, cancellationToken);
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            var problem = ApiProblem.Parse((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
            if (response.StatusCode == HttpStatusCode.Unauthorized && !path.StartsWith("/api/identity/me", StringComparison.Ordinal))
            {
                session.SignedOut();
                navigation.NavigateTo(SignInPath(navigation));
            }
            throw new ApiException(problem);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Domain", domain);
        if (IsUnsafe(method) && await CsrfTokenAsync(cancellationToken) is { } csrf)
        {
            request.Headers.Add("X-CSRF-Token", csrf);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ApiException(new ApiProblem(0, null, $"The gateway could not be reached: {e.Message}", "network_error", ApiProblem.NoErrors));
        }
    }

    /// <summary>The session's token, asked for once after a reload (the cookie outlives the page).</summary>
    private async Task<string?> CsrfTokenAsync(CancellationToken cancellationToken)
    {
        if (session.CsrfToken is null && session.User is not null)
        {
            using var response = await http.GetAsync("/api/identity/csrf", cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                session.CsrfToken = (await response.Content.ReadFromJsonAsync<CsrfResponse>(Json, cancellationToken))?.CsrfToken;
            }
        }
        return session.CsrfToken;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new ApiException(new ApiProblem((int)response.StatusCode, null, "The answer was empty.", "empty_answer", ApiProblem.NoErrors));
        }
    }

    private static bool IsUnsafe(HttpMethod method) => method != HttpMethod.Get && method != HttpMethod.Head && method != HttpMethod.Options;

    /// <summary>The sign-in page, with the way back to where the person was.</summary>
    public static string SignInPath(NavigationManager navigation)
    {
        var here = navigation.ToBaseRelativePath(navigation.Uri);
        return here.StartsWith("sign-in", StringComparison.Ordinal) ? "sign-in" : "sign-in?returnUrl=" + Uri.EscapeDataString("/" + here);
    }

    protected static string Query(params (string Name, object? Value)[] parameters) =>
        string.Join("&", parameters.Where(p => p.Value is not null && p.Value.ToString() != "")
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!)}"));
}
