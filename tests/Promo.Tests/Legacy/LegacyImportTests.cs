using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Promo.Api.Campaigns;
using Promo.Api.Legacy;

namespace Promo.Tests.Legacy;

[Collection(PromoCollection.Name)]
public sealed class LegacyImportTests(PromoPlatform platform)
{
    private static readonly DateTimeOffset Start = new(LegacyWorld.Start, TimeSpan.Zero);

    [Fact]
    public async Task Discount_type_701_stays_fixed_702_stays_percent_and_any_other_code_becomes_fixed()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await world.AddCampaignAsync("c-701", discountType: 701);
        await world.AddCampaignAsync("c-702", discountType: 702);
        await world.AddCampaignAsync("c-703", discountType: 703);
        await world.AddCampaignAsync("c-0", discountType: 0);

        Assert.Equal(LegacyCommand.Succeeded, (await world.ImportAsync()).ExitCode);

        var types = await Campaigns(world, c => c.DiscountType);
        Assert.Equal(DiscountType.Fixed, types["c-701"]);
        Assert.Equal(DiscountType.Percent, types["c-702"]);
        Assert.Equal(DiscountType.Fixed, types["c-703"]);
        Assert.Equal(DiscountType.Fixed, types["c-0"]);
    }

    [Fact]
    public async Task Campaign_value_is_active_price_not_active_discount()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await world.AddCampaignAsync("c-price", price: 12.34m, discount: 88.80m);

        await world.ImportAsync();

        Assert.Equal(12.34m, (await Campaigns(world, c => c.Value))["c-price"]);
    }

    [Fact]
    public async Task Record_price_becomes_both_value_and_discount_amount_and_the_record_keys_become_bids()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await world.AddCampaignAsync("c-1", price: 50m, discountType: 702);
        await world.AddRecordAsync("r-1", "c-1", "order-9", 7.25m, userId: "user-42", activeName: "Name then");

        await world.ImportAsync();

        await using var db = world.PromoDb();
        var application = await db.CampaignApplications.SingleAsync();
        Assert.Equal("r-1", application.CampaignApplicationBid);
        Assert.Equal("c-1", application.CampaignBid);
        Assert.Equal("order-9", application.OrderBid);
        Assert.Equal("user-42", application.UserBid);
        Assert.Equal("Name then", application.CampaignName);
        Assert.Equal(7.25m, application.Value);
        Assert.Equal(7.25m, application.DiscountAmount);
        // The value is the amount taken off, whatever the campaign's own type.
        Assert.Equal(DiscountType.Fixed, application.DiscountType);
        Assert.Equal(ApplicationStatus.Applied, application.Status);
        Assert.Equal(Start.AddMinutes(5), application.CreatedAt);
    }

    [Fact]
    public async Task Join_type_status_deleted_texts_and_times_map_with_documented_defaults()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        var longDescription = new string('d', 2500);
        await world.AddCampaignAsync("c-auto", joinType: "auto", status: "active", name: new string('n', 150), description: longDescription, channel: "app");
        await world.AddCampaignAsync("c-event", joinType: " EVENT ", status: "inactive");
        await world.AddCampaignAsync("c-odd", joinType: "sometimes", status: "paused", deleted: true);
        await world.AddRecordAsync("r-voided", "c-auto", "o-1", 1m, status: "voided", deleted: true);
        await world.AddRecordAsync("r-odd", "c-auto", "o-2", 1m, status: "whatever");

        await world.ImportAsync();

        await using var db = world.PromoDb();
        var campaigns = await db.Campaigns.ToDictionaryAsync(c => c.CampaignBid);
        var auto = campaigns["c-auto"];
        Assert.Equal((JoinType.Auto, PromoStatus.Active, false), (auto.JoinType, auto.Status, auto.Deleted));
        Assert.Equal(new string('n', 100), auto.Name);
        Assert.Equal(longDescription[..2000], auto.Description);
        Assert.Equal("app", auto.Channel);
        Assert.Equal((Start, Start.AddDays(30)), (auto.StartAt, auto.EndAt));
        Assert.Equal((Start.AddTicks(1230), Start.AddHours(1)), (auto.CreatedAt, auto.UpdatedAt));
        Assert.Equal((LegacyMapping.Actor, LegacyMapping.Actor), (auto.CreatedBy, auto.UpdatedBy));
        Assert.Equal((JoinType.Event, PromoStatus.Inactive), (campaigns["c-event"].JoinType, campaigns["c-event"].Status));
        Assert.Null(campaigns["c-event"].Description);
        Assert.Null(campaigns["c-event"].Channel);
        Assert.Equal((JoinType.Manual, PromoStatus.Inactive, true), (campaigns["c-odd"].JoinType, campaigns["c-odd"].Status, campaigns["c-odd"].Deleted));
        var applications = await db.CampaignApplications.ToDictionaryAsync(a => a.CampaignApplicationBid);
        Assert.Equal((ApplicationStatus.Voided, true), (applications["r-voided"].Status, applications["r-voided"].Deleted));
        Assert.Equal((ApplicationStatus.Applied, false), (applications["r-odd"].Status, applications["r-odd"].Deleted));
    }

    [Fact]
    public async Task A_filter_of_uuids_becomes_the_scope_and_one_promo_cannot_express_leaves_the_campaign_inactive()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        var sku = Guid.NewGuid();
        var product = Guid.NewGuid();
        await world.AddCampaignAsync("c-scoped", filter: $$"""{"sku_ids": ["{{sku}}"], "product_ids": ["{{product}}"]}""");
        await world.AddCampaignAsync("c-blank", filter: "");
        await world.AddCampaignAsync("c-course", filter: """{"course_id": "legacy-course-7"}""");

        var import = await world.ImportAsync();

        await using var db = world.PromoDb();
        var campaigns = await db.Campaigns.ToDictionaryAsync(c => c.CampaignBid);
        Assert.Equal([sku], campaigns["c-scoped"].Filter.SkuIds);
        Assert.Equal([product], campaigns["c-scoped"].Filter.ProductIds);
        Assert.Equal(PromoStatus.Active, campaigns["c-scoped"].Status);
        Assert.Equal((0, 0, PromoStatus.Active), (campaigns["c-blank"].Filter.SkuIds.Count, campaigns["c-blank"].Filter.ProductIds.Count, campaigns["c-blank"].Status));
        Assert.Equal(PromoStatus.Inactive, campaigns["c-course"].Status);
        Assert.Contains("1 active_filter value(s) promo cannot express", import.Output);
    }

    [Fact]
    public async Task Duplicate_campaigns_keep_the_row_with_the_highest_id()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await world.AddCampaignAsync("c-dup", price: 1m, name: "first");
        await world.AddCampaignAsync("c-other", price: 5m);
        await world.AddCampaignAsync("c-dup", price: 3m, name: "second");
        // The highest id wins, not the highest price or the first row.
        await world.AddCampaignAsync("c-dup", price: 2m, name: "third");

        var import = await world.ImportAsync("--batch-size", "1");

        await using var promo = world.PromoDb();
        var kept = await promo.Campaigns.SingleAsync(c => c.CampaignBid == "c-dup");
        Assert.Equal(("third", 2m), (kept.Name, kept.Value));
        Assert.Equal(2, await promo.Campaigns.CountAsync());
        Assert.Contains("active -> promo_campaigns: 4 legacy rows, 2 kept (2 duplicates dropped); 2 inserted", import.Output);
    }

    [Fact]
    public async Task Duplicate_applications_keep_the_highest_id_per_order_and_campaign()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await world.AddCampaignAsync("c-1");
        await world.AddCampaignAsync("c-2");
        await world.AddRecordAsync("r-old", "c-1", "o-1", 4m);
        await world.AddRecordAsync("r-new", "c-1", "o-1", 6m);
        await world.AddRecordAsync("r-other-campaign", "c-2", "o-1", 1m);
        await world.AddRecordAsync("r-other-order", "c-1", "o-2", 2m);
        // The same record_id on another pair: the bid is taken once, again by the highest id.
        await world.AddRecordAsync("r-other-order", "c-2", "o-3", 3m);
        // A deleted row wins too when its id is the highest.
        await world.AddRecordAsync("r-live", "c-2", "o-4", 5m);
        await world.AddRecordAsync("r-deleted-latest", "c-2", "o-4", 7m, deleted: true);

        var import = await world.ImportAsync("--batch-size", "2");

        await using var db = world.PromoDb();
        var applications = await db.CampaignApplications.ToDictionaryAsync(a => a.CampaignApplicationBid);
        Assert.Equal(["r-deleted-latest", "r-new", "r-other-campaign", "r-other-order"], applications.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((6m, false), (applications["r-new"].DiscountAmount, applications["r-new"].Deleted));
        Assert.Equal((7m, true), (applications["r-deleted-latest"].DiscountAmount, applications["r-deleted-latest"].Deleted));
        Assert.Equal(("o-3", 3m), (applications["r-other-order"].OrderBid, applications["r-other-order"].Value));
        Assert.Contains("active_user_record -> promo_campaign_applications: 7 legacy rows, 4 kept (3 duplicates dropped); 4 inserted", import.Output);
    }

    [Fact]
    public async Task A_second_import_writes_nothing_and_reports_zero_inserted_and_updated()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await SeedAsync(world);
        var first = await world.ImportAsync("--batch-size", "2");
        var rowsAfterFirst = await PromoRowsAsync(world);
        var versionsAfterFirst = await RowVersionsAsync(world);

        var second = await world.ImportAsync("--batch-size", "2");

        Assert.Equal(LegacyCommand.Succeeded, second.ExitCode);
        Assert.Contains("4 inserted, 0 updated, 0 unchanged", first.Output);
        Assert.Contains("active -> promo_campaigns: 4 legacy rows, 3 kept (1 duplicates dropped); 0 inserted, 0 updated, 3 unchanged", second.Output);
        Assert.Contains("active_user_record -> promo_campaign_applications: 5 legacy rows, 4 kept (1 duplicates dropped); 0 inserted, 0 updated, 4 unchanged", second.Output);
        Assert.Equal(rowsAfterFirst, await PromoRowsAsync(world));
        // xmin changes on any UPDATE, even one writing the same values: equal xmins prove no row was written.
        Assert.Equal(versionsAfterFirst, await RowVersionsAsync(world));
    }

    [Fact]
    public async Task A_rerun_rewrites_only_the_rows_that_differ_from_legacy()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await SeedAsync(world);
        await world.ImportAsync();
        var rowsAfterImport = await PromoRowsAsync(world);
        await world.TamperAsync("UPDATE promo_campaign_applications SET discount_amount = 99 WHERE campaign_application_bid = $1", "r-2");
        await world.TamperAsync("UPDATE promo_campaigns SET name = 'renamed' WHERE campaign_bid = $1", "c-1");

        var rerun = await world.ImportAsync();

        Assert.Contains("promo_campaigns: 4 legacy rows, 3 kept (1 duplicates dropped); 0 inserted, 1 updated, 2 unchanged", rerun.Output);
        Assert.Contains("promo_campaign_applications: 5 legacy rows, 4 kept (1 duplicates dropped); 0 inserted, 1 updated, 3 unchanged", rerun.Output);
        Assert.Equal(rowsAfterImport, await PromoRowsAsync(world));
    }

    [Fact]
    public async Task Import_migrates_an_empty_promo_database_first()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await using var db = world.PromoDb();
        Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());

        var import = await world.ImportAsync();

        Assert.Equal(LegacyCommand.Succeeded, import.ExitCode);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Check_exits_0_on_a_consistent_import_and_prints_counts_sums_and_legacy_duplicates()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await SeedAsync(world);
        await world.ImportAsync();

        var check = await world.CheckAsync();

        var output = check.Output.ReplaceLineEndings("\n");
        Assert.Equal(LegacyCommand.Succeeded, check.ExitCode);
        Assert.Contains("active -> promo_campaigns", output);
        Assert.Contains("  old rows: 4 (3 kept after resolving duplicates)\n  new rows: 3 (3 of the kept legacy rows found)", output);
        Assert.Contains("  old rows: 5 (4 kept after resolving duplicates)\n  new rows: 4 (4 of the kept legacy rows found)", output);
        Assert.Contains("  legacy price sum:             12.50 (kept rows; 13.50 over all rows)", check.Output);
        Assert.Contains("  imported discount_amount sum: 12.50", check.Output);
        Assert.Contains("active_id=c-1: kept id", check.Output);
        Assert.Contains("order_id=o-1 active_id=c-1: kept id", check.Output);
        Assert.EndsWith("result: consistent" + Environment.NewLine, check.Output);
    }

    [Fact]
    public async Task Check_exits_1_naming_an_application_missing_from_promo()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await SeedAsync(world);
        await world.ImportAsync();
        await world.TamperAsync("DELETE FROM promo_campaign_applications WHERE campaign_application_bid = $1", "r-3");

        var check = await world.CheckAsync();

        Assert.Equal(LegacyCommand.Failed, check.ExitCode);
        Assert.Contains("    record_id=r-3 (id=", check.Output);
        Assert.Contains("problem: 1 active_user_record row(s) missing from promo_campaign_applications", check.Output);
        Assert.Contains("problem: legacy price sum 12.50 differs from imported discount_amount sum 9.50", check.Output);
    }

    [Fact]
    public async Task Check_exits_1_naming_a_campaign_missing_from_promo()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await SeedAsync(world);
        await world.ImportAsync();
        await world.TamperAsync("DELETE FROM promo_campaigns WHERE campaign_bid = $1", "c-3");

        var check = await world.CheckAsync();

        Assert.Equal(LegacyCommand.Failed, check.ExitCode);
        Assert.Contains("    active_id=c-3 (id=", check.Output);
        Assert.Contains("problem: 1 active row(s) missing from promo_campaigns", check.Output);
    }

    [Fact]
    public async Task Check_exits_1_naming_an_amount_that_differs()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await SeedAsync(world);
        await world.ImportAsync();
        await world.TamperAsync("UPDATE promo_campaign_applications SET discount_amount = discount_amount + 0.01 WHERE campaign_application_bid = $1", "r-2");
        await world.TamperAsync("UPDATE promo_campaigns SET value = 1 WHERE campaign_bid = $1", "c-2");

        var check = await world.CheckAsync();

        Assert.Equal(LegacyCommand.Failed, check.ExitCode);
        Assert.Contains("campaign_application_bid=r-2: promo value 2.50 discount_amount 2.51, legacy price 2.50", check.Output);
        Assert.Contains("campaign_bid=c-2: promo Fixed 1.00, legacy Fixed 20.00 (active_price)", check.Output);
        Assert.Contains("problem: legacy price sum 12.50 differs from imported discount_amount sum 12.51", check.Output);
        Assert.Contains("problem: 1 promo_campaign_applications row(s) whose amount differs from legacy", check.Output);
        Assert.Contains("problem: 1 promo_campaigns row(s) whose amount differs from legacy", check.Output);
    }

    [Fact]
    public async Task Check_exits_1_on_a_second_promo_row_for_an_imported_order_and_campaign()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await SeedAsync(world);
        await world.ImportAsync();
        // Promo's unique index only covers live rows, so a deleted second row can exist.
        await world.TamperAsync("""
            INSERT INTO promo_campaign_applications (campaign_application_bid, campaign_bid, order_bid, user_bid, campaign_name,
                discount_type, value, discount_amount, status, deleted, created_at, updated_at)
            VALUES ('r-extra', 'c-1', 'o-1', 'user-1', 'x', 'fixed', 0, 0, 'applied', true, now(), now())
            """);

        var check = await world.CheckAsync();

        Assert.Equal(LegacyCommand.Failed, check.ExitCode);
        Assert.Contains("    order_bid=o-1 campaign_bid=c-1: 2 rows\n", check.Output.ReplaceLineEndings("\n"));
        Assert.Contains("problem: 1 duplicate(s) in promo_campaign_applications", check.Output);
    }

    [Fact]
    public async Task Check_lists_at_most_limit_findings_of_each_kind_and_counts_the_rest()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);
        await world.ImportAsync();
        for (var i = 1; i <= 5; i++)
        {
            await world.AddCampaignAsync($"c-late-{i}");
        }

        var check = await world.CheckAsync("--limit", "2");

        Assert.Equal(LegacyCommand.Failed, check.ExitCode);
        Assert.Contains("  missing: 5\n    active_id=c-late-1 (id=1)\n    active_id=c-late-2 (id=2)\n    ... and 3 more\n", check.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Check_refuses_a_promo_database_the_import_never_migrated()
    {
        await using var world = await LegacyWorld.CreateAsync(platform);

        var check = await world.CheckAsync();

        Assert.Equal(LegacyCommand.Failed, check.ExitCode);
        Assert.Contains("run legacy import (or start the service) first", check.Error);
    }

    [Fact]
    public async Task A_legacy_database_without_the_tables_fails_with_postgres_message()
    {
        await using var world = await LegacyWorld.CreateAsync(platform, withTables: false);

        var import = await world.ImportAsync();

        Assert.Equal(LegacyCommand.Failed, import.ExitCode);
        Assert.Contains("legacy import failed:", import.Error);
        Assert.Contains("relation \"active\" does not exist", import.Error);
    }

    [Theory]
    [InlineData("legacy", "a command is required: import or check")]
    [InlineData("legacy migrate", "unknown command 'migrate'")]
    [InlineData("legacy import", "--source <connection string of the legacy database> is required")]
    [InlineData("legacy import --source", "--source needs a value")]
    [InlineData("legacy import --source --batch-size 5", "--source needs a value")]
    [InlineData("legacy import --source Host=db --source Host=db", "--source is given twice")]
    [InlineData("legacy import --source Host=db --limit 5", "--limit applies to check only")]
    [InlineData("legacy import --source Host=db --force", "unknown option '--force'")]
    [InlineData("legacy import Host=db;Password=secret", "unexpected argument after 'import': options start with --")]
    [InlineData("legacy import --source nonsense", "--source is not a valid connection string")]
    [InlineData("legacy import --source Colour=blue", "--source is not a valid connection string")]
    [InlineData("legacy check --source Host=db --limit 0", "--limit must be a whole number from 1 to 10000, not '0'")]
    [InlineData("legacy check --source Host=db --limit=ten", "--limit must be a whole number from 1 to 10000, not 'ten'")]
    [InlineData("legacy check --source Host=db --batch-size 20000", "--batch-size must be a whole number from 1 to 10000, not '20000'")]
    public async Task Bad_command_lines_are_refused_with_the_reason_and_the_usage(string commandLine, string reason)
    {
        var run = await LegacyWorld.RunAsync(new ConfigurationBuilder().Build(), commandLine.Split(' '));

        Assert.Equal(LegacyCommand.Refused, run.ExitCode);
        Assert.StartsWith("error: " + reason, run.Error);
        Assert.Contains("usage: Promo.Api legacy import --source", run.Error);
        Assert.DoesNotContain("secret", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Without_promos_own_connection_string_the_command_is_refused()
    {
        var run = await LegacyWorld.RunAsync(new ConfigurationBuilder().Build(), "legacy", "import", "--source=Host=localhost;Database=legacy");

        Assert.Equal(LegacyCommand.Refused, run.ExitCode);
        Assert.Contains("ConnectionStrings:promodb is missing", run.Error);
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_0()
    {
        var run = await LegacyWorld.RunAsync(new ConfigurationBuilder().Build(), "legacy", "--help");

        Assert.Equal(LegacyCommand.Succeeded, run.ExitCode);
        Assert.Contains("legacy check  --source <legacy connection string> [--limit 20]", run.Output);
    }

    [Theory]
    [InlineData(true, "legacy check")]
    [InlineData(true, "legacy")]
    [InlineData(false, "")]
    [InlineData(false, "--urls http://localhost:5000")]
    [InlineData(false, "import legacy")]
    public void Only_a_command_line_starting_with_legacy_is_taken_from_the_service(bool handled, string commandLine) =>
        Assert.Equal(handled, LegacyCommand.Handles(commandLine.Length == 0 ? [] : commandLine.Split(' ')));

    /// <summary>Three campaigns (c-1 twice) and four applications ((o-1, c-1) twice), prices summing to 12.50 kept, 13.50 in all.</summary>
    private static async Task SeedAsync(LegacyWorld world)
    {
        await world.AddCampaignAsync("c-1", price: 10m, name: "old name");
        await world.AddCampaignAsync("c-2", price: 20m);
        await world.AddCampaignAsync("c-1", price: 15m, discountType: 702, name: "new name");
        await world.AddCampaignAsync("c-3", price: 5m, discountType: 999, deleted: true);
        await world.AddRecordAsync("r-0", "c-1", "o-1", 1m);
        await world.AddRecordAsync("r-1", "c-1", "o-1", 4m);
        await world.AddRecordAsync("r-2", "c-2", "o-1", 2.50m);
        await world.AddRecordAsync("r-3", "c-1", "o-2", 3m, status: "voided");
        await world.AddRecordAsync("r-4", "c-3", "o-3", 3m, userId: "user-2");
    }

    private static async Task<Dictionary<string, T>> Campaigns<T>(LegacyWorld world, Func<Campaign, T> select)
    {
        await using var db = world.PromoDb();
        return (await db.Campaigns.ToListAsync()).ToDictionary(c => c.CampaignBid, select);
    }

    /// <summary>Every promo campaign and application, in full, as JSON lines ordered by bid.</summary>
    private static async Task<List<string>> PromoRowsAsync(LegacyWorld world)
    {
        await using var db = world.PromoDb();
        var campaigns = await db.Campaigns.AsNoTracking().OrderBy(c => c.CampaignBid).ToListAsync();
        var applications = await db.CampaignApplications.AsNoTracking().OrderBy(a => a.CampaignApplicationBid).ToListAsync();
        return [.. campaigns.Select(c => JsonSerializer.Serialize(c)), .. applications.Select(a => JsonSerializer.Serialize(a))];
    }

    private static async Task<string> RowVersionsAsync(LegacyWorld world) =>
        (string)(await world.PromoScalarAsync("""
            SELECT (SELECT string_agg(campaign_bid || ':' || xmin::text, ',' ORDER BY campaign_bid) FROM promo_campaigns)
                || '|' || (SELECT string_agg(campaign_application_bid || ':' || xmin::text, ',' ORDER BY campaign_application_bid) FROM promo_campaign_applications)
            """))!;
}
