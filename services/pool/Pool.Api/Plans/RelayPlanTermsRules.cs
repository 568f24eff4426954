using Platform.Contracts.Pool;
using Platform.ServiceDefaults.Http;
using Pool.Api.Relay;

namespace Pool.Api.Plans;

/// <summary>What makes plan terms valid, wherever they come from (an administrator, or a paid order's event).</summary>
public static class RelayPlanTermsRules
{
    /// <summary>The first thing wrong with the terms, its field named under <paramref name="prefix"/>; null when valid.</summary>
    public static FieldProblem? Check(decimal? dailyCost, int? requestsPerMinute, int? concurrency, IReadOnlyList<string?>? allowedModels, string prefix = "")
    {
        if (dailyCost is not { } cost || cost <= 0 || cost > RelayPlanTerms.MaxDailyCost || decimal.Round(cost, 6) != cost)
        {
            return new(prefix + "dailyCost", $"dailyCost is required: more than 0, at most {RelayPlanTerms.MaxDailyCost} USD, at most 6 decimals.", "invalid_daily_cost");
        }
        if (requestsPerMinute is not (>= 1 and <= RelayPlanTerms.MaxRequestsPerMinute))
        {
            return new(prefix + "requestsPerMinute", $"requestsPerMinute is required: 1 to {RelayPlanTerms.MaxRequestsPerMinute}.", "invalid_requests_per_minute");
        }
        if (concurrency is not (>= 1 and <= RelayPlanTerms.MaxConcurrency))
        {
            return new(prefix + "concurrency", $"concurrency is required: 1 to {RelayPlanTerms.MaxConcurrency}.", "invalid_concurrency");
        }
        if (allowedModels is { Count: > RelayPlanTerms.MaxModels })
        {
            return new(prefix + "allowedModels", $"allowedModels holds at most {RelayPlanTerms.MaxModels} model names.", "invalid_allowed_models");
        }
        for (var i = 0; i < (allowedModels?.Count ?? 0); i++)
        {
            if (allowedModels![i]?.Trim() is not { Length: > 0 and <= RelayPlanTerms.MaxModelLength })
            {
                return new($"{prefix}allowedModels[{i}]", $"each model name is 1 to {RelayPlanTerms.MaxModelLength} characters.", "invalid_allowed_models");
            }
        }
        return null;
    }

    /// <summary>Model prefixes as the relay compares them: normalised, without repeats.</summary>
    public static List<string> NormalizeModels(IEnumerable<string?>? models) =>
        (models ?? []).Select(ModelNames.Normalize).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Whether the plan lets its holder call <paramref name="model"/> (requests naming no model, such as the model list, always pass).</summary>
    public static bool Allows(this RelayPlan plan, string? model)
    {
        if (plan.AllowedModels.Count == 0 || string.IsNullOrEmpty(model))
        {
            return true;
        }
        var name = ModelNames.Normalize(model);
        return plan.AllowedModels.Exists(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
    }
}
