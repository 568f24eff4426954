namespace Platform.Contracts.Pool;

/// <summary>
/// What a relay plan allows a person, over all of their API keys together: the cost they may spend a day (USD), the
/// requests a minute and the requests in flight, and the models they may call (prefixes of normalised model names;
/// empty: any model).
/// </summary>
public sealed record RelayPlanTerms(decimal DailyCost, int RequestsPerMinute, int Concurrency, IReadOnlyList<string> AllowedModels)
{
    public const decimal MaxDailyCost = 1_000_000_000m;
    public const int MaxRequestsPerMinute = 1_000_000;
    public const int MaxConcurrency = 10_000;
    public const int MaxModels = 50;
    public const int MaxModelLength = 100;
    /// <summary>The longest plan one order buys (per unit ordered).</summary>
    public const int MaxDays = 3650;
}

/// <summary>
/// pool's relay plan of a person was granted, changed, extended or revoked (<paramref name="Terms"/> null). identity
/// keeps the limits to check new API keys against. <paramref name="Version"/> grows with every change of the
/// person's plan, so a late, older event changes nothing.
/// </summary>
public sealed record RelayPlanChanged(Guid UserId, RelayPlanTerms? Terms, DateTimeOffset? ExpiresAt, long Version, DateTimeOffset ChangedAt);
