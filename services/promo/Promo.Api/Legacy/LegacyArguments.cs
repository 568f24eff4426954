using Npgsql;

namespace Promo.Api.Legacy;

public enum LegacyVerb
{
    Import,
    Check,
    Help,
}

/// <summary>The parsed command line of <c>legacy import|check</c>.</summary>
public sealed record LegacyArguments(LegacyVerb Verb, string Source, int Limit, int BatchSize)
{
    public const int DefaultLimit = 20;
    public const int DefaultBatchSize = 500;
    private const int MaxNumber = 10_000;

    public const string Usage = """
        usage: Promo.Api legacy import --source <legacy connection string> [--batch-size 500]
               Promo.Api legacy check  --source <legacy connection string> [--limit 20] [--batch-size 500]

        import  copies the legacy tables active and active_user_record into promo_campaigns and
                promo_campaign_applications (migrating promo's database first); rerunning changes nothing.
        check   compares them: counts, price sums, missing rows, duplicates; exit 1 on any problem.
        Promo's own database is ConnectionStrings:promodb, as for the service. See docs/legacy-import.md.
        """;

    /// <summary>Parses what follows <c>legacy</c>; returns null with <paramref name="error"/> saying what is wrong.</summary>
    public static LegacyArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        if (args.Count == 0)
        {
            error = "a command is required: import or check";
            return null;
        }
        LegacyVerb? verb = args[0] switch
        {
            "import" => LegacyVerb.Import,
            "check" => LegacyVerb.Check,
            "help" or "--help" or "-h" => LegacyVerb.Help,
            _ => null,
        };
        if (verb is null)
        {
            error = $"unknown command '{args[0]}': expected import or check";
            return null;
        }
        if (verb == LegacyVerb.Help)
        {
            return new LegacyArguments(LegacyVerb.Help, "", DefaultLimit, DefaultBatchSize);
        }

        var options = new Dictionary<string, string>();
        for (var i = 1; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                // Not echoed: a connection string given without --source would print its password.
                error = $"unexpected argument after '{args[0]}': options start with --";
                return null;
            }
            var (name, value) = args[i].IndexOf('=') is var equals and > 0
                ? (args[i][2..equals], args[i][(equals + 1)..])
                : (args[i][2..], i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null);
            if (name is not ("source" or "limit" or "batch-size"))
            {
                error = $"unknown option '--{name}'";
                return null;
            }
            if (string.IsNullOrWhiteSpace(value))
            {
                error = $"--{name} needs a value";
                return null;
            }
            if (!options.TryAdd(name, value))
            {
                error = $"--{name} is given twice";
                return null;
            }
        }

        if (verb == LegacyVerb.Import && options.ContainsKey("limit"))
        {
            error = "--limit applies to check only";
            return null;
        }
        if (!options.TryGetValue("source", out var source))
        {
            error = "--source <connection string of the legacy database> is required";
            return null;
        }
        if (!IsConnectionString(source, out var why))
        {
            error = $"--source is not a valid connection string: {why}";
            return null;
        }
        if (!TryNumber(options, "limit", DefaultLimit, out var limit, ref error) || !TryNumber(options, "batch-size", DefaultBatchSize, out var batchSize, ref error))
        {
            return null;
        }
        return new LegacyArguments(verb.Value, source, limit, batchSize);
    }

    private static bool TryNumber(Dictionary<string, string> options, string name, int fallback, out int number, ref string? error)
    {
        number = fallback;
        if (!options.TryGetValue(name, out var text))
        {
            return true;
        }
        if (int.TryParse(text, out number) && number is >= 1 and <= MaxNumber)
        {
            return true;
        }
        error = $"--{name} must be a whole number from 1 to {MaxNumber}, not '{text}'";
        return false;
    }

    private static bool IsConnectionString(string text, out string? why)
    {
        why = null;
        try
        {
            // Only the parser's message is shown: it names the keyword or position, never the password.
            _ = new NpgsqlConnectionStringBuilder(text);
            return true;
        }
        catch (ArgumentException e)
        {
            why = e.Message;
            return false;
        }
    }
}
