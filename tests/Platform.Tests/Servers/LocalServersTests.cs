using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using StackExchange.Redis;

namespace Platform.Tests.Servers;

/// <summary>The servers the AppHost runs without a container engine, as every test fixture starts them.</summary>
public sealed class LocalServersTests(ServersFixture servers) : IClassFixture<ServersFixture>
{
    [Fact]
    public void Connection_strings_have_the_official_integrations_format_on_loopback()
    {
        Assert.Matches(@"^Host=127\.0\.0\.1;Port=\d+;Username=postgres;Password=[^;]{20,}$", servers.PostgresConnectionString);
        Assert.Matches(@"^127\.0\.0\.1:\d+,password=\S{20,}$", servers.RedisConnectionString);
        Assert.Matches(@"^amqp://platform:[^@]{20,}@127\.0\.0\.1:\d+$", servers.RabbitMQConnectionString);
    }

    [Fact]
    public async Task Postgres_lets_the_superuser_in_with_its_password_only()
    {
        await using (var connection = new NpgsqlConnection(servers.PostgresConnectionString + ";Database=postgres"))
        {
            await connection.OpenAsync();
            await using var select = new NpgsqlCommand("SELECT 1", connection);
            Assert.Equal(1, await select.ExecuteScalarAsync());
        }
        var wrong = new NpgsqlConnectionStringBuilder(servers.PostgresConnectionString) { Password = "wrong", Database = "postgres" };
        await using var refused = new NpgsqlConnection(wrong.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => refused.OpenAsync());
        Assert.Equal("28P01", error.SqlState); // invalid_password
    }

    [Fact]
    public async Task A_database_role_owns_its_database_and_the_server_refuses_it_any_other()
    {
        var mine = await servers.CreateDatabaseAsync("owner");
        var other = await servers.CreateDatabaseAsync("other");
        await using (var connection = new NpgsqlConnection(mine))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (1)", connection);
            await create.ExecuteNonQueryAsync();
        }
        foreach (var database in new[] { new NpgsqlConnectionStringBuilder(other).Database!, "postgres", "template1" })
        {
            var elsewhere = new NpgsqlConnectionStringBuilder(mine) { Database = database };
            await using var connection = new NpgsqlConnection(elsewhere.ConnectionString);
            var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
            Assert.Equal("42501", error.SqlState); // insufficient_privilege: no CONNECT
        }
    }

    [Fact]
    public async Task Redis_answers_only_with_its_password_and_comes_back_on_the_same_port_after_a_crash()
    {
        var options = ConfigurationOptions.Parse(servers.RedisConnectionString);
        options.AbortOnConnectFail = true;
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(options))
        {
            Assert.True((await redis.GetDatabase().PingAsync()) < TimeSpan.FromSeconds(1));
        }
        var anonymous = ConfigurationOptions.Parse(servers.RedisConnectionString);
        anonymous.Password = null;
        anonymous.AbortOnConnectFail = true;
        await Assert.ThrowsAnyAsync<RedisException>(async () =>
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(anonymous);
            await redis.GetDatabase().PingAsync();
        });

        await servers.Redis.KillAsync();
        await Assert.ThrowsAnyAsync<RedisException>(async () => await ConnectionMultiplexer.ConnectAsync(options));
        await servers.Redis.StartAsync();
        await using var again = await ConnectionMultiplexer.ConnectAsync(options);
        await again.GetDatabase().StringSetAsync("back", "yes");
        Assert.Equal("yes", (string?)await again.GetDatabase().StringGetAsync("back"));
    }

    [Fact]
    public async Task RabbitMQ_lets_the_platform_user_into_its_virtual_hosts_and_refuses_guest()
    {
        var vhost = await servers.CreateVirtualHostAsync("isolated");
        await using (var connection = await new ConnectionFactory { Uri = new Uri(vhost) }.CreateConnectionAsync())
        {
            Assert.True(connection.IsOpen);
        }
        var guest = new UriBuilder(servers.RabbitMQConnectionString) { UserName = "guest", Password = "guest" }.Uri;
        await Assert.ThrowsAsync<BrokerUnreachableException>(() => new ConnectionFactory { Uri = guest }.CreateConnectionAsync());
    }
}
