using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pool.Tests;

/// <summary>
/// A stand-in for the upstream team API over real HTTP, speaking the protocol documented on
/// <c>HttpUpstreamTeamClient</c>: bearer tokens map to accounts with teams; members per team. Tests can make a token
/// fail (500), revoke it (401 from then on), make one kind of call on one team or email answer a chosen status, and
/// hold a call at a gate to act while it is in flight.
/// </summary>
public sealed class UpstreamStandIn : IAsyncDisposable
{
    public sealed class Team(string id, string name)
    {
        public string Id { get; } = id;
        public string Name { get; set; } = name;
        public ConcurrentDictionary<string, string> Members { get; } = new(StringComparer.OrdinalIgnoreCase);
        public int Renames;
        public int Invites;
        public int Removes;
    }

    private readonly ConcurrentDictionary<string, List<Team>> _accounts = new();
    private readonly ConcurrentDictionary<string, Team> _teams = new();
    private readonly ConcurrentDictionary<string, bool> _failing = new();
    private readonly ConcurrentDictionary<string, Gate> _gates = new();
    private readonly ConcurrentDictionary<string, int> _answers = new();
    private readonly WebApplication _app;

    private UpstreamStandIn(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<UpstreamStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new UpstreamStandIn(app);
        app.MapGet("/v1/teams", standIn.ListTeamsAsync);
        app.MapGet("/v1/teams/{teamId}/members", standIn.ListMembersAsync);
        app.MapPost("/v1/teams/{teamId}/members", standIn.InviteAsync);
        app.MapDelete("/v1/teams/{teamId}/members/{email}", standIn.RemoveAsync);
        app.MapPatch("/v1/teams/{teamId}", standIn.RenameAsync);
        await app.StartAsync();
        standIn.BaseAddress = new Uri(app.Urls.First());
        return standIn;
    }

    /// <summary>A new account with one team per name; returns its access token.</summary>
    public string AddAccount(params string[] teamNames)
    {
        var token = "tok-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        _accounts[token] = [.. teamNames.Select(name =>
        {
            var team = new Team("team-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant(), name);
            _teams[team.Id] = team;
            return team;
        })];
        return token;
    }

    public IReadOnlyList<Team> TeamsOf(string token) => _accounts[token];

    /// <summary>A second token for the same account (its teams and members), as the upstream issues when one is renewed.</summary>
    public string IssueToken(string token)
    {
        var renewed = "tok-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        _accounts[renewed] = _accounts[token];
        return renewed;
    }

    /// <summary>The upstream no longer accepts this token: every call with it answers 401.</summary>
    public void Revoke(string token) => _accounts.TryRemove(token, out _);

    /// <summary>
    /// Calls of <paramref name="kind"/> (members, invite, remove, rename) on <paramref name="key"/> (a team id, or for
    /// invite and remove also an email) answer <paramref name="status"/> until <see cref="ClearAnswer"/>.
    /// </summary>
    public void Answer(string kind, string key, int status) => _answers[$"{kind}:{key}"] = status;

    public void ClearAnswer(string kind, string key) => _answers.TryRemove($"{kind}:{key}", out _);

    /// <summary>Every call with this token answers 500 while failing.</summary>
    public void SetFailing(string token, bool failing) => _failing[token] = failing;

    /// <summary>Holds the next call of <paramref name="kind"/> (teams, members, invite, remove) on <paramref name="key"/> (token, team id or email).</summary>
    public Gate Hold(string kind, string key) => _gates[$"{kind}:{key}"] = new Gate();

    private async Task<IResult> ListTeamsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (Authenticate(request) is not { } token) return Results.Unauthorized();
        if (_failing.GetValueOrDefault(token)) return Results.StatusCode(500);
        await PassAsync("teams", token, cancellationToken);
        return Results.Json(new { teams = _accounts[token].Select(t => new { id = t.Id, name = t.Name }) });
    }

    private async Task<IResult> ListMembersAsync(string teamId, int? limit, HttpRequest request, CancellationToken cancellationToken)
    {
        if (Authorize(request, teamId, out var team) is { } refused) return refused;
        if (Forced("members", teamId) is { } forced) return forced;
        await PassAsync("members", teamId, cancellationToken);
        return Results.Json(new { members = team!.Members.Take(limit ?? 100).Select(m => new { id = m.Value, email = m.Key }) });
    }

    private async Task<IResult> InviteAsync(string teamId, InviteBody body, HttpRequest request, CancellationToken cancellationToken)
    {
        if (Authorize(request, teamId, out var team) is { } refused) return refused;
        if ((Forced("invite", teamId) ?? Forced("invite", body.Email)) is { } forced) return forced;
        await PassAsync("invite", body.Email, cancellationToken);
        Interlocked.Increment(ref team!.Invites);
        var created = false;
        var id = team.Members.GetOrAdd(body.Email, _ => { created = true; return "m-" + Guid.NewGuid().ToString("N")[..10]; });
        return Results.Json(new { id, email = body.Email }, statusCode: created ? 201 : 200);
    }

    private async Task<IResult> RemoveAsync(string teamId, string email, HttpRequest request, CancellationToken cancellationToken)
    {
        if (Authorize(request, teamId, out var team) is { } refused) return refused;
        if ((Forced("remove", teamId) ?? Forced("remove", email)) is { } forced) return forced;
        await PassAsync("remove", email, cancellationToken);
        Interlocked.Increment(ref team!.Removes);
        return team.Members.TryRemove(email, out _) ? Results.NoContent() : Results.NotFound();
    }

    private IResult RenameAsync(string teamId, RenameBody body, HttpRequest request)
    {
        if (Authorize(request, teamId, out var team) is { } refused) return refused;
        if (Forced("rename", teamId) is { } forced) return forced;
        Interlocked.Increment(ref team!.Renames);
        team.Name = body.Name;
        return Results.Json(new { id = team.Id, name = team.Name });
    }

    public sealed record InviteBody(string Email);

    public sealed record RenameBody(string Name);

    private string? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && _accounts.ContainsKey(header[7..]) ? header[7..] : null;
    }

    private IResult? Authorize(HttpRequest request, string teamId, out Team? team)
    {
        team = null;
        if (Authenticate(request) is not { } token) return Results.Unauthorized();
        if (_failing.GetValueOrDefault(token)) return Results.StatusCode(500);
        team = _accounts[token].FirstOrDefault(t => t.Id == teamId);
        return team is null ? Results.StatusCode(403) : null;
    }

    private IResult? Forced(string kind, string key) =>
        _answers.TryGetValue($"{kind}:{key}", out var status) ? Results.StatusCode(status) : null;

    private Task PassAsync(string kind, string key, CancellationToken cancellationToken) =>
        _gates.TryGetValue($"{kind}:{key}", out var gate) ? gate.PassAsync(cancellationToken) : Task.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
