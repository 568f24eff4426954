using System.Globalization;

namespace Promo.Api.Legacy;

/// <summary>The first <c>limit</c> findings of one kind, and how many there are in all.</summary>
public sealed class Findings(int limit)
{
    private readonly List<string> _first = [];

    public long Total { get; private set; }

    public IReadOnlyList<string> First => _first;

    public void Add(string finding)
    {
        Total++;
        if (_first.Count < limit)
        {
            _first.Add(finding);
        }
    }
}

/// <summary>One legacy table against its promo table.</summary>
public sealed class TableCheck(string legacyTable, string promoTable, int limit)
{
    public string LegacyTable { get; } = legacyTable;
    public string PromoTable { get; } = promoTable;
    /// <summary>Every legacy row, duplicates included.</summary>
    public long LegacyRows { get; set; }
    /// <summary>Legacy rows left once duplicates are resolved: the rows promo must hold.</summary>
    public long Kept { get; set; }
    /// <summary>Every promo row, imported or made in promo.</summary>
    public long PromoRows { get; set; }
    /// <summary>Kept legacy rows that have their promo row.</summary>
    public long Matched { get; set; }
    public Findings Missing { get; } = new(limit);
    public Findings AmountDiffers { get; } = new(limit);
    public Findings PromoDuplicates { get; } = new(limit);
    public LegacyDuplicates LegacyDuplicates { get; set; } = new(0, []);
}

/// <summary>What the check found; consistent when <see cref="Problems"/> is empty.</summary>
public sealed record CheckReport(
    TableCheck Campaigns, TableCheck Applications, decimal LegacyPriceSum, decimal LegacyPriceSumAll, decimal PromoDiscountAmountSum)
{
    public IReadOnlyList<string> Problems =>
    [
        .. TableProblems(Campaigns),
        .. TableProblems(Applications),
        .. LegacyPriceSum != PromoDiscountAmountSum
            ? [$"legacy price sum {Amount(LegacyPriceSum)} differs from imported discount_amount sum {Amount(PromoDiscountAmountSum)}"]
            : Array.Empty<string>(),
    ];

    public void WriteTo(TextWriter output)
    {
        WriteTable(output, Campaigns);
        WriteTable(output, Applications);
        output.WriteLine($"  legacy price sum:             {Amount(LegacyPriceSum)} (kept rows; {Amount(LegacyPriceSumAll)} over all rows)");
        output.WriteLine($"  imported discount_amount sum: {Amount(PromoDiscountAmountSum)}");
        var problems = Problems;
        output.WriteLine(problems.Count == 0 ? "result: consistent" : $"result: {problems.Count} problem(s)");
        foreach (var problem in problems)
        {
            output.WriteLine($"  problem: {problem}");
        }
    }

    private static IEnumerable<string> TableProblems(TableCheck table)
    {
        if (table.Missing.Total > 0) yield return $"{table.Missing.Total} {table.LegacyTable} row(s) missing from {table.PromoTable}";
        if (table.AmountDiffers.Total > 0) yield return $"{table.AmountDiffers.Total} {table.PromoTable} row(s) whose amount differs from legacy";
        if (table.PromoDuplicates.Total > 0) yield return $"{table.PromoDuplicates.Total} duplicate(s) in {table.PromoTable}";
    }

    private static void WriteTable(TextWriter output, TableCheck table)
    {
        output.WriteLine($"{table.LegacyTable} -> {table.PromoTable}");
        output.WriteLine($"  old rows: {table.LegacyRows} ({table.Kept} kept after resolving duplicates)");
        output.WriteLine($"  new rows: {table.PromoRows} ({table.Matched} of the kept legacy rows found)");
        WriteFindings(output, "missing", table.Missing.Total, table.Missing.First);
        WriteFindings(output, "amount differs", table.AmountDiffers.Total, table.AmountDiffers.First);
        WriteFindings(output, "duplicates in promo", table.PromoDuplicates.Total, table.PromoDuplicates.First);
        WriteFindings(output, "duplicates in legacy (resolved by highest id, no problem)", table.LegacyDuplicates.Total,
            [.. table.LegacyDuplicates.First.Select(d => $"{d.Key}: kept id {d.KeptId}, dropped id {string.Join(", ", d.DroppedIds)}")]);
    }

    private static void WriteFindings(TextWriter output, string title, long total, IReadOnlyList<string> first)
    {
        output.WriteLine($"  {title}: {total}");
        foreach (var finding in first)
        {
            output.WriteLine($"    {finding}");
        }
        if (total > first.Count)
        {
            output.WriteLine($"    ... and {total - first.Count} more");
        }
    }

    private static string Amount(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);
}
