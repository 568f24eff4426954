namespace Promo.Api.Legacy;

/// <summary>
/// One row of the legacy <c>active</c> table, as read (docs/legacy-import.md has the schema). <c>active_discount</c>
/// is not read: the campaign's value is <c>active_price</c>.
/// </summary>
public sealed record LegacyCampaignRow(
    long Id,
    string ActiveId,
    string Name,
    string? Description,
    string? JoinType,
    string? Status,
    DateTime StartTime,
    DateTime EndTime,
    int DiscountType,
    decimal Price,
    string? Channel,
    string? Filter,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool Deleted);

/// <summary>One row of the legacy <c>active_user_record</c> table: a campaign applied to an order.</summary>
public sealed record LegacyApplicationRow(
    long Id,
    string RecordId,
    string ActiveId,
    string OrderId,
    string UserId,
    string ActiveName,
    decimal Price,
    string? Status,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool Deleted);

/// <summary>Legacy rows sharing a key: the import keeps <see cref="KeptId"/> (the highest id) and drops the others.</summary>
public sealed record LegacyDuplicate(string Key, long KeptId, IReadOnlyList<long> DroppedIds);

/// <summary>The first duplicate groups of a table, and how many there are in all.</summary>
public sealed record LegacyDuplicates(long Total, IReadOnlyList<LegacyDuplicate> First);
