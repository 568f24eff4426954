using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Http;
using Pool.Api.Data;

namespace Pool.Api.Relay;

/// <summary>
/// <c>/relay/v1/**</c>: the gateway's <c>/v1/**</c> API-key traffic, relayed to the upstream. Under
/// <c>/api/pool/relay</c>: usage per key, account and model for admins, a caller's own usage, and realtime RPM/TPM.
/// </summary>
public static class RelayEndpoints
{
    /// <param name="Source">admin (chosen at runtime) or configuration (<c>Relay:Strategy</c>).</param>
    public sealed record SettingsResponse(string Strategy, string Source, DateTimeOffset? UpdatedAt);

    /// <param name="Strategy">A strategy name, or null to go back to the configured one.</param>
    public sealed record UpdateSettingsRequest(string? Strategy);

    public sealed record UsageResponse(string By, string Period, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UsageRow> Items);

    public static IEndpointRouteBuilder MapRelay(this IEndpointRouteBuilder app)
    {
        app.Map(RelayedEndpoints.Prefix + "/{**rest}", RelayAsync).ExcludeFromDescription();

        var relay = app.MapGroup("/api/pool/relay").WithTags("Relay").WithRequestValidation();
        relay.MapGet("/usage", UsageAsync).RequirePermission(Permissions.Pool.Relay);
        relay.MapGet("/realtime", RealtimeAsync).RequirePermission(Permissions.Pool.Relay);
        relay.MapGet("/usage/mine", MyUsageAsync);
        relay.MapGet("/settings", SettingsAsync).RequirePermission(Permissions.Pool.Relay);
        relay.MapPut("/settings", UpdateSettingsAsync).RequirePermission(Permissions.Pool.Relay).RequireDomain("pool");
        return app;
    }

    private static async Task RelayAsync(HttpContext context, RelayForwarder forwarder)
    {
        try
        {
            if (await forwarder.RelayAsync(context) is { } refusal)
            {
                await refusal.ExecuteAsync(context);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left before an answer started; its slots are already released.
        }
    }

    private static async Task<Ok<SettingsResponse>> SettingsAsync(PoolDbContext db, IOptions<RelayOptions> options, CancellationToken cancellationToken) =>
        TypedResults.Ok(await CurrentSettingsAsync(db, options.Value, cancellationToken));

    private static async Task<SettingsResponse> CurrentSettingsAsync(PoolDbContext db, RelayOptions options, CancellationToken cancellationToken) =>
        await db.RelaySettings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == RelaySetting.Current, cancellationToken) is { } chosen
            ? new SettingsResponse(chosen.Strategy, "admin", chosen.UpdatedAt)
            : new SettingsResponse(options.Strategy, "configuration", null);

    /// <summary>Switches every instance's strategy at once (they read it per request); audited.</summary>
    private static async Task<Results<Ok<SettingsResponse>, ValidationProblem>> UpdateSettingsAsync(
        UpdateSettingsRequest request, HttpContext http, PoolDbContext db, IOptions<RelayOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.Strategy is { } strategy && !SchedulingStrategies.All.Contains(strategy))
        {
            return Invalid.Field("strategy", $"strategy must be one of {string.Join(", ", SchedulingStrategies.All)}, or null for the configured one.");
        }
        var now = time.GetUtcNow();
        return TypedResults.Ok(await db.InTransactionAsync(async ct =>
        {
            var before = await CurrentSettingsAsync(db, options.Value, ct);
            var row = await db.RelaySettings.FirstOrDefaultAsync(s => s.Id == RelaySetting.Current, ct);
            if (request.Strategy is null)
            {
                if (row is not null) db.RelaySettings.Remove(row);
            }
            else if (row is null)
            {
                db.RelaySettings.Add(new RelaySetting { Strategy = request.Strategy, UpdatedAt = now });
            }
            else
            {
                row.Strategy = request.Strategy;
                row.UpdatedAt = now;
            }
            await db.SaveChangesAsync(ct);
            var after = await CurrentSettingsAsync(db, options.Value, ct);
            db.Audit(http, "update_relay_settings", "relay_settings", null, before, after, now);
            await db.SaveChangesAsync(ct);
            return after;
        }, cancellationToken));
    }

    private static async Task<Ok<UsageResponse>> UsageAsync(
        [AsParameters] UsageWindowRequest request, string? apiKeyId, Guid? accountId, string? model,
        PoolDbContext db, UsageQueries queries, CancellationToken cancellationToken)
    {
        var scope = db.UsageBuckets.AsQueryable();
        if (apiKeyId is not null) scope = scope.Where(u => u.ApiKeyId == apiKeyId);
        if (accountId is { } account) scope = scope.Where(u => u.MotherId == account);
        if (model is not null)
        {
            var normalized = ModelNames.Normalize(model);
            scope = scope.Where(u => u.Model == normalized);
        }
        return TypedResults.Ok(await ReadUsageAsync(scope, request.Resolve(), queries, cancellationToken));
    }

    /// <summary>The signed-in user's own usage, per API key (or account-free model totals with by=model).</summary>
    private static async Task<Ok<UsageResponse>> MyUsageAsync(
        [AsParameters] OwnUsageWindowRequest request, HttpContext context, PoolDbContext db, UsageQueries queries, CancellationToken cancellationToken)
    {
        var userId = context.User.RequiredUserId();
        return TypedResults.Ok(await ReadUsageAsync(db.UsageBuckets.Where(u => u.UserId == userId), request.Resolve(), queries, cancellationToken));
    }

    private static async Task<UsageResponse> ReadUsageAsync(IQueryable<UsageBucket> scope, UsageWindow window, UsageQueries queries, CancellationToken cancellationToken) =>
        new(window.By, window.Period, window.From, window.To,
            await queries.ByAsync(scope, window.By, window.Period, window.From, window.To, cancellationToken));

    private static async Task<Results<Ok<RealtimeUsage>, ValidationProblem>> RealtimeAsync(
        int? minutes, string? apiKeyId, Guid? accountId, PoolDbContext db, UsageQueries queries, IOptions<RelayOptions> options,
        CancellationToken cancellationToken)
    {
        var window = minutes ?? options.Value.RealtimeWindowMinutes;
        if (window is < 1 or > 60)
        {
            return Invalid.Field("minutes", "minutes must be between 1 and 60.");
        }
        var scope = db.UsageBuckets.AsQueryable();
        if (apiKeyId is not null) scope = scope.Where(u => u.ApiKeyId == apiKeyId);
        if (accountId is { } account) scope = scope.Where(u => u.MotherId == account);
        return TypedResults.Ok(await queries.RealtimeAsync(scope, window, cancellationToken));
    }
}
