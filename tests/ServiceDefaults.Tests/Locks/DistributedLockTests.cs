using Medallion.Threading;
using Medallion.Threading.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Locks;

namespace ServiceDefaults.Tests.Locks;

/// <summary>Two service instances (two DI roots) contend for one lock: mutual exclusion holds on both back-ends.</summary>
[Collection(ServersCollection.Name)]
public sealed class DistributedLockTests(ServersFixture servers)
{
    [Theory]
    [InlineData("redis", typeof(FallbackLockProvider))]
    [InlineData("postgres", typeof(PostgresDistributedSynchronizationProvider))]
    public async Task Two_instances_never_hold_the_same_lock_at_once(string provider, Type expected)
    {
        var database = await servers.CreateDatabaseAsync("locks");
        using var first = LockHost(provider, database);
        using var second = LockHost(provider, database);
        var locks = new[] { first, second }.Select(h => h.Services.GetRequiredService<IDistributedLockProvider>()).ToArray();
        Assert.All(locks, l => Assert.IsType(expected, l));

        var name = ServersFixture.Unique("critical");
        int inside = 0, mostInside = 0, entries = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await using var handle = await locks[worker % 2].AcquireLockAsync(name, TimeSpan.FromSeconds(30));
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref mostInside, now);
                await Task.Delay(1); // hold it across an await, as real work does
                Interlocked.Decrement(ref inside);
                Interlocked.Increment(ref entries);
            }
        })));

        Assert.Equal(1, mostInside);
        Assert.Equal(80, entries);
    }

    [Fact]
    public async Task A_lock_held_by_one_instance_is_not_granted_to_the_other()
    {
        var database = await servers.CreateDatabaseAsync("locks");
        using var first = LockHost("postgres", database);
        using var second = LockHost("postgres", database);
        var name = ServersFixture.Unique("held");
        await using var held = await first.Services.GetRequiredService<IDistributedLockProvider>().AcquireLockAsync(name);
        var other = second.Services.GetRequiredService<IDistributedLockProvider>();
        await using (var attempt = await other.TryAcquireLockAsync(name, TimeSpan.FromMilliseconds(200)))
        {
            Assert.Null(attempt);
        }
        await held.DisposeAsync();
        await using var after = await other.TryAcquireLockAsync(name, TimeSpan.FromSeconds(5));
        Assert.NotNull(after);
    }

    [Fact]
    public async Task While_redis_is_down_its_locks_are_taken_in_postgresql_still_one_holder_at_a_time_and_in_redis_again_once_it_returns()
    {
        var database = await servers.CreateDatabaseAsync("locks");
        using var first = LockHost("redis", database);
        using var second = LockHost("redis", database);
        var locks = new[] { first, second }.Select(h => h.Services.GetRequiredService<IDistributedLockProvider>()).ToArray();
        var name = ServersFixture.Unique("outage");
        await using (await locks[0].AcquireLockAsync(name, TimeSpan.FromSeconds(5)))
        {
            Assert.True(await RedisHoldsAsync(name), "the lock was not taken in Redis");
        }

        await servers.Redis.KillAsync();
        try
        {
            int inside = 0, mostInside = 0, entries = 0;
            await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; i < 5; i++)
                {
                    await using var handle = await locks[worker % 2].TryAcquireLockAsync(name, TimeSpan.FromSeconds(30));
                    Assert.NotNull(handle);
                    InterlockedMax(ref mostInside, Interlocked.Increment(ref inside));
                    Assert.True(await PostgresHoldsAsync(database), "not held in PostgreSQL");
                    Interlocked.Decrement(ref inside);
                    Interlocked.Increment(ref entries);
                }
            })));
            Assert.Equal(1, mostInside);
            Assert.Equal(20, entries);
        }
        finally
        {
            await servers.Redis.StartAsync();
        }

        // Back in Redis once it answers again.
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            await using var handle = await locks[1].AcquireLockAsync(name, TimeSpan.FromSeconds(5));
            return await RedisHoldsAsync(name);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200)), "locks did not return to Redis");
    }

    private async Task<bool> RedisHoldsAsync(string name)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        return await redis.GetDatabase().KeyExistsAsync(name);
    }

    private static async Task<bool> PostgresHoldsAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", connection);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private IHost LockHost(string provider, string database)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:cache"] = servers.RedisConnectionString;
        builder.Configuration["ConnectionStrings:locksdb"] = database;
        builder.Configuration["Locks:Provider"] = provider;
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddCaching();
        builder.AddDistributedLocks("locksdb");
        return builder.Build();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
