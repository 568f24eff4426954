using Platform.Contracts.Pool;

namespace Platform.Contracts.Promo;

/// <summary>
/// An order of a relay product was paid: pool gives the buyer the plan's <paramref name="Terms"/> for
/// <paramref name="Days"/> days, added to the time a live plan has left. Applied once per <paramref name="OrderBid"/>.
/// </summary>
public sealed record RelayPlanPurchased(string OrderBid, Guid UserId, RelayPlanTerms Terms, int Days, DateTimeOffset PaidAt);
