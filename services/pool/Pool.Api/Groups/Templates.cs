using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pool.Api.Data;

namespace Pool.Api.Groups;

/// <summary>Team-name and email templates: <c>{group}</c>, <c>{date}</c> (yyyyMMdd), <c>{seq3}</c> (001..), <c>{domain}</c>.</summary>
public static partial class Templates
{
    private static readonly string[] Placeholders = ["{group}", "{date}", "{seq3}", "{domain}"];

    /// <summary>Null when valid, else why not: only the known placeholders, at least one fixed or variable part.</summary>
    public static string? Validate(string template)
    {
        if (string.IsNullOrWhiteSpace(template) || template.Length > 200)
        {
            return "must be 1 to 200 characters";
        }
        var unknown = PlaceholderPattern().Matches(template).Select(m => m.Value).FirstOrDefault(p => !Placeholders.Contains(p));
        return unknown is null ? null : $"has an unknown placeholder {unknown} (known: {string.Join(", ", Placeholders)})";
    }

    public static string Render(string template, PoolGroup group, DateOnly date, int sequence) => template
        .Replace("{group}", group.Name, StringComparison.Ordinal)
        .Replace("{date}", date.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{seq3}", sequence.ToString("000", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{domain}", group.EmailDomain ?? "", StringComparison.Ordinal);

    /// <summary>Whether a name already follows the template (any date and sequence), so sync leaves it alone.</summary>
    public static bool Matches(string template, PoolGroup group, string name)
    {
        var pattern = Regex.Escape(template)
            .Replace(Regex.Escape("{group}"), Regex.Escape(group.Name), StringComparison.Ordinal)
            .Replace(Regex.Escape("{date}"), @"\d{8}", StringComparison.Ordinal)
            .Replace(Regex.Escape("{seq3}"), @"\d{3,}", StringComparison.Ordinal)
            .Replace(Regex.Escape("{domain}"), Regex.Escape(group.EmailDomain ?? ""), StringComparison.Ordinal);
        return Regex.IsMatch(name, "^" + pattern + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>The next value of the daily sequence of (group, kind, day), atomically.</summary>
    public static async Task<int> NextSequenceAsync(PoolDbContext db, Guid groupId, string kind, DateOnly day, CancellationToken cancellationToken)
    {
        var dayText = day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var values = await db.Database.SqlQuery<int>($"""
            INSERT INTO pool_sequences (group_id, kind, day, value) VALUES ({groupId}, {kind}, {dayText}, 1)
            ON CONFLICT (group_id, kind, day) DO UPDATE SET value = pool_sequences.value + 1
            RETURNING value AS "Value"
            """).ToListAsync(cancellationToken);
        return values[0];
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex PlaceholderPattern();
}
