using Npgsql;
using Platform.Hosting;
using Platform.Hosting.Processes;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Servers;

[Collection(ServersCollection.Name)]
public sealed class PostgresTests(ServersFixture servers)
{
    private readonly PostgresServerResource postgres = servers.Postgres;

    [Fact]
    public async Task Postgres_runs_on_a_free_port_and_answers_select_1()
    {
        Assert.Equal(ResourceState.Running, postgres.State);
        Assert.NotEqual(5432, postgres.Port);
        Assert.Equal(1, await ScalarAsync<int>(postgres.ConnectionString!, "select 1"));
    }

    [Fact]
    public async Task Superuser_with_a_wrong_password_is_refused()
    {
        var wrong = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Password = "wrong" }.ConnectionString;

        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<int>(wrong, "select 1"));

        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    [Fact]
    public async Task Database_role_owns_its_database_and_can_create_tables_there()
    {
        var connectionString = await postgres.CreateDatabaseAsync("owner_tests");

        Assert.Matches($"^Host=127\\.0\\.0\\.1;Port={postgres.Port};Username=owner_tests;Password=[A-Za-z0-9_-]{{20,}};Database=owner_tests$", connectionString);
        await ScalarAsync<int>(connectionString, "create table if not exists t (id int); insert into t values (7); select count(*)::int from t");
        Assert.Equal("owner_tests", await ScalarAsync<string>(connectionString, "select current_user::text"));
    }

    [Theory]
    [InlineData("other_tests")]
    [InlineData("postgres")]
    public async Task Database_role_is_refused_by_the_server_on_any_other_database(string otherDatabase)
    {
        var own = await postgres.CreateDatabaseAsync("isolated_tests");
        await postgres.CreateDatabaseAsync("other_tests");
        var elsewhere = new NpgsqlConnectionStringBuilder(own) { Database = otherDatabase }.ConnectionString;

        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<int>(elsewhere, "select 1"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task CreateDatabaseAsync_twice_returns_the_same_working_connection_string()
    {
        var first = await postgres.CreateDatabaseAsync("twice_tests");
        var second = await postgres.CreateDatabaseAsync("twice_tests");

        Assert.Equal(first, second);
        Assert.Equal(1, await ScalarAsync<int>(second, "select 1"));
    }

    [Fact]
    public async Task Stopped_postgres_frees_its_port_and_starts_again_with_its_data()
    {
        var connectionString = await postgres.CreateDatabaseAsync("restart_tests");
        await ScalarAsync<int>(connectionString, "create table kept (id int); insert into kept values (1); select 1");
        var port = postgres.Port;

        await postgres.StopAsync();

        Assert.Equal(ResourceState.Stopped, postgres.State);
        Assert.True(FreePort.IsFree(port));

        await postgres.StartAsync();

        Assert.Equal(1, await ScalarAsync<int>(connectionString, "select count(*)::int from kept"));
    }

    [Fact]
    public async Task CreateDatabaseAsync_rejects_names_PostgreSQL_reserves_or_cannot_quote()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => postgres.CreateDatabaseAsync("pg_tests"));
        await Assert.ThrowsAsync<ArgumentException>(() => postgres.CreateDatabaseAsync("tests\"; drop"));
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
