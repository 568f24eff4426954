using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Promo.Api.Data;
using Promo.Api.Legacy;

namespace Promo.Tests.Legacy;

/// <summary>What <c>legacy …</c> printed and returned.</summary>
public sealed record CommandRun(int ExitCode, string Output, string Error);

/// <summary>
/// A fresh legacy database holding the tables of docs/legacy-import.md, a fresh promo database nothing has migrated
/// yet, and the legacy command run in-process against both.
/// </summary>
public sealed class LegacyWorld : IAsyncDisposable
{
    /// <summary>The legacy schema as docs/legacy-import.md gives it.</summary>
    public const string Schema = """
        CREATE TABLE active (
            id                   bigserial     PRIMARY KEY,
            active_id            varchar(36)   NOT NULL,
            active_name          varchar(255)  NOT NULL DEFAULT '',
            active_desc          text          NOT NULL DEFAULT '',
            active_join_type     varchar(32)   NOT NULL DEFAULT 'auto',
            active_status        varchar(32)   NOT NULL DEFAULT 'active',
            active_start_time    timestamp     NOT NULL,
            active_end_time      timestamp     NOT NULL,
            active_discount_type integer       NOT NULL DEFAULT 701,
            active_discount      numeric(10,2) NOT NULL DEFAULT 0,
            active_price         numeric(10,2) NOT NULL DEFAULT 0,
            active_channel       varchar(36)   NOT NULL DEFAULT '',
            active_filter        text          NOT NULL DEFAULT '{}',
            created_at           timestamp     NOT NULL DEFAULT now(),
            updated_at           timestamp     NOT NULL DEFAULT now(),
            deleted              smallint      NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_active_active_id ON active (active_id);
        CREATE TABLE active_user_record (
            id          bigserial     PRIMARY KEY,
            record_id   varchar(36)   NOT NULL,
            active_id   varchar(36)   NOT NULL,
            order_id    varchar(36)   NOT NULL,
            user_id     varchar(36)   NOT NULL,
            active_name varchar(255)  NOT NULL DEFAULT '',
            price       numeric(10,2) NOT NULL DEFAULT 0,
            status      varchar(32)   NOT NULL DEFAULT 'applied',
            created_at  timestamp     NOT NULL DEFAULT now(),
            updated_at  timestamp     NOT NULL DEFAULT now(),
            deleted     smallint      NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_active_user_record_order_id ON active_user_record (order_id);
        """;

    public static readonly DateTime Start = new(2025, 3, 1, 8, 0, 0, DateTimeKind.Unspecified);

    private readonly NpgsqlDataSource _promoData;

    private LegacyWorld(string legacy, string promo)
    {
        Legacy = legacy;
        Promo = promo;
        _promoData = NpgsqlDataSource.Create(promo);
    }

    public string Legacy { get; }
    public string Promo { get; }

    public static async Task<LegacyWorld> CreateAsync(PromoPlatform platform, bool withTables = true)
    {
        var world = new LegacyWorld(await platform.Servers.CreateDatabaseAsync("legacy"), await platform.Servers.CreateDatabaseAsync("promo_import"));
        if (withTables)
        {
            await ExecuteAsync(world.Legacy, Schema);
        }
        return world;
    }

    public async Task<long> AddCampaignAsync(string activeId, decimal price = 10m, decimal discount = 0m, int discountType = 701,
        string name = "Spring sale", string description = "", string joinType = "auto", string status = "active", string channel = "",
        string filter = "{}", bool deleted = false) =>
        (long)(await ScalarAsync(Legacy, """
            INSERT INTO active (active_id, active_name, active_desc, active_join_type, active_status, active_start_time, active_end_time,
                active_discount_type, active_discount, active_price, active_channel, active_filter, created_at, updated_at, deleted)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            RETURNING id
            """, activeId, name, description, joinType, status, Start, Start.AddDays(30), discountType, discount, price, channel, filter,
            Start.AddTicks(1230), Start.AddHours(1), (short)(deleted ? 1 : 0)))!;

    public async Task<long> AddRecordAsync(string recordId, string activeId, string orderId, decimal price, string userId = "user-1",
        string activeName = "Spring sale", string status = "applied", bool deleted = false) =>
        (long)(await ScalarAsync(Legacy, """
            INSERT INTO active_user_record (record_id, active_id, order_id, user_id, active_name, price, status, created_at, updated_at, deleted)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            RETURNING id
            """, recordId, activeId, orderId, userId, activeName, price, status, Start.AddMinutes(5), Start.AddMinutes(6), (short)(deleted ? 1 : 0)))!;

    /// <summary>Runs <c>legacy …</c> as the executable would, with promo's configuration holding only its database.</summary>
    public async Task<CommandRun> RunAsync(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:promodb"] = Promo }).Build();
        return await RunAsync(configuration, args);
    }

    public static async Task<CommandRun> RunAsync(IConfiguration configuration, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LegacyCommand.RunAsync(args, configuration, output, error, NullLoggerFactory.Instance, CancellationToken.None);
        return new CommandRun(exitCode, output.ToString(), error.ToString());
    }

    public Task<CommandRun> ImportAsync(params string[] extra) => RunAsync(["legacy", "import", "--source", Legacy, .. extra]);

    public Task<CommandRun> CheckAsync(params string[] extra) => RunAsync(["legacy", "check", "--source", Legacy, .. extra]);

    public PromoDbContext PromoDb()
    {
        var options = new DbContextOptionsBuilder<PromoDbContext>();
        Microsoft.Extensions.Hosting.DatabaseExtensions.ConfigureNpgsql(options, _promoData);
        return new PromoDbContext(options.Options);
    }

    /// <summary>Changes promo's tables behind the import's back, as a bug or a hand edit would.</summary>
    public Task TamperAsync(string sql, params object[] args) => ExecuteAsync(Promo, sql, args);

    public Task<object?> PromoScalarAsync(string sql, params object[] args) => ScalarAsync(Promo, sql, args);

    private static async Task ExecuteAsync(string database, string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.AddWithValue(arg);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string database, string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.AddWithValue(arg);
        return await command.ExecuteScalarAsync();
    }

    public ValueTask DisposeAsync() => _promoData.DisposeAsync();
}
