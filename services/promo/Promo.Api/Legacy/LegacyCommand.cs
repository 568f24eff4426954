using Microsoft.EntityFrameworkCore;
using Npgsql;
using Promo.Api.Data;

namespace Promo.Api.Legacy;

/// <summary>
/// <c>legacy import|check</c>: a one-off command of the promo executable, run instead of the service, against promo's
/// own database (<c>ConnectionStrings:promodb</c>) and a legacy database given on the command line.
/// </summary>
public static partial class LegacyCommand
{
    public const string Name = "legacy";

    public const int Succeeded = 0;
    /// <summary>The check found a problem, or the command failed on a database.</summary>
    public const int Failed = 1;
    /// <summary>The command line or the configuration is wrong; nothing was touched.</summary>
    public const int Refused = 2;

    public static bool Handles(IReadOnlyList<string> args) => args is [Name, ..];

    /// <summary>Runs the command <paramref name="args"/> (starting with <c>legacy</c>) and returns its exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IConfiguration configuration, TextWriter output, TextWriter error,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        string? why = "not a legacy command";
        if (!Handles(args) || LegacyArguments.Parse([.. args.Skip(1)], out why) is not { } command)
        {
            await error.WriteLineAsync($"error: {why}");
            await error.WriteLineAsync(LegacyArguments.Usage);
            return Refused;
        }
        if (command.Verb == LegacyVerb.Help)
        {
            await output.WriteLineAsync(LegacyArguments.Usage);
            return Succeeded;
        }
        if (configuration.GetConnectionString("promodb") is not { Length: > 0 } promodb)
        {
            await error.WriteLineAsync("error: ConnectionStrings:promodb is missing: set ConnectionStrings__promodb as for the service");
            return Refused;
        }

        var logger = loggers.CreateLogger(typeof(LegacyCommand));
        try
        {
            await using var promoData = new NpgsqlDataSourceBuilder(promodb).EnableDynamicJson().Build();
            var options = new DbContextOptionsBuilder<PromoDbContext>();
            DatabaseExtensions.ConfigureNpgsql(options, promoData).UseLoggerFactory(loggers);
            await using var db = new PromoDbContext(options.Options);
            await using var source = await LegacySource.OpenAsync(command.Source, cancellationToken);
            return command.Verb == LegacyVerb.Import
                ? await ImportAsync(db, source, command, output, loggers, cancellationToken)
                : await CheckAsync(db, source, command, output, error, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"legacy {Verb(command)} cancelled: batches already committed stay; running it again continues");
            return Failed;
        }
        catch (Exception e)
        {
            // A one-off command: whatever stopped it is reported in one line (the log has the stack) and exits 1.
            LogFailed(logger, Verb(command), e);
            // The innermost message is the one that says what happened (PostgreSQL's own, or the socket's).
            var cause = e.GetBaseException();
            await error.WriteLineAsync($"legacy {Verb(command)} failed: {e.Message}{(cause == e ? "" : $" ({cause.Message})")}");
            return Failed;
        }
    }

    private static async Task<int> ImportAsync(PromoDbContext db, LegacySource source, LegacyArguments command, TextWriter output,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var import = new LegacyImport(db, loggers.CreateLogger<LegacyImport>());
        var result = await import.RunAsync(source, command.BatchSize, cancellationToken);
        await output.WriteLineAsync(Line("active -> promo_campaigns", result.CampaignRows, result.Campaigns));
        if (result.FiltersNotUnderstood > 0)
        {
            await output.WriteLineAsync($"  {result.FiltersNotUnderstood} active_filter value(s) promo cannot express: imported inactive, scope every SKU");
        }
        await output.WriteLineAsync(Line("active_user_record -> promo_campaign_applications", result.ApplicationRows, result.Applications));
        return Succeeded;

        static string Line(string tables, long legacyRows, UpsertCounts counts) =>
            $"{tables}: {legacyRows} legacy rows, {counts.Kept} kept ({legacyRows - counts.Kept} duplicates dropped); " +
            $"{counts.Inserted} inserted, {counts.Updated} updated, {counts.Unchanged} unchanged";
    }

    private static async Task<int> CheckAsync(PromoDbContext db, LegacySource source, LegacyArguments command, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        // The check only reads: it does not migrate, and a database the import never reached cannot be consistent.
        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList() is { Count: > 0 } pending)
        {
            await error.WriteLineAsync($"legacy check: promo's database lacks {pending.Count} migration(s): run legacy import (or start the service) first");
            return Failed;
        }
        var report = await new LegacyCheck(db).RunAsync(source, command.Limit, command.BatchSize, cancellationToken);
        report.WriteTo(output);
        return report.Problems.Count == 0 ? Succeeded : Failed;
    }

    private static string Verb(LegacyArguments command) => command.Verb.ToString().ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Error, Message = "legacy {Verb} failed")]
    private static partial void LogFailed(ILogger logger, string verb, Exception exception);
}
