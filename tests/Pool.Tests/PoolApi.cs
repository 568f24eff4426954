using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Pool.Tests;

/// <summary>The pool admin API and database as tests use them.</summary>
public static class PoolApi
{
    public static string NewEmail() => $"{Guid.NewGuid():N}@example.test";

    public static async Task<Guid> CreateGroupAsync(this HttpClient admin, string? name = null, object? extra = null)
    {
        using var response = await admin.PostAsJsonAsync("/api/pool/pool-groups", extra ?? new { name = name ?? "g-" + Guid.NewGuid().ToString("N")[..12] });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> CreateMotherAsync(this HttpClient admin, Guid groupId, string accessToken, int seatLimit = 7, string? email = null)
    {
        using var response = await admin.PostAsJsonAsync("/api/pool/mothers",
            new { name = "mother", email = email ?? NewEmail(), groupId, seatLimit, accessToken });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<string?> ProblemCodeAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    public static async Task<JsonElement> GetJobAsync(this HttpClient admin, Guid id) =>
        await admin.GetFromJsonAsync<JsonElement>($"/api/pool/jobs/{id}");

    public static async Task<long> ScalarAsync(string database, string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.AddWithValue(arg);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static async Task<string> TextAsync(string database, string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.AddWithValue(arg);
        return (await command.ExecuteScalarAsync())?.ToString() ?? "";
    }
}
